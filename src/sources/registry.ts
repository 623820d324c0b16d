/**
 * Continuous source kinds for `vigil serve`: one folder per kind, one line here. A config entry
 * `{ type: <kind>, … }` makes a source through its factory.
 */
import type { ContinuousSource, SourceContext } from './continuous.js';
import { SourceConfigError } from './continuous.js';
import { FolderSource, type FolderSourceConfig } from './folder/index.js';
import { S3Source, type S3SourceConfig } from './s3/index.js';
import { SqsSource, type SqsSourceConfig } from './sqs/index.js';

export type SourceConfig = FolderSourceConfig | S3SourceConfig | SqsSourceConfig;

export const SOURCE_KINDS: Record<string, (cfg: never, ctx: SourceContext) => ContinuousSource> = {
  folder: (cfg: FolderSourceConfig, ctx) => new FolderSource(cfg, ctx),
  s3: (cfg: S3SourceConfig, ctx) => new S3Source(cfg, ctx),
  sqs: (cfg: SqsSourceConfig, ctx) => new SqsSource(cfg, ctx),
};

export function makeSource(cfg: { type?: string }, ctx: SourceContext): ContinuousSource {
  const make = SOURCE_KINDS[cfg?.type ?? ''];
  if (!make) throw new SourceConfigError(`sources: unknown type "${cfg?.type}" (use ${Object.keys(SOURCE_KINDS).join(', ')})`);
  return make(cfg as never, ctx);
}
