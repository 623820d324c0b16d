/**
 * Object references: what names a log object well enough for another process (a `vigil worker`,
 * maybe on another machine) to open the same bytes. The listing side turns each object it finds
 * into a reference (`refOf`), the work notice carries it, the worker opens it (`openRef`).
 * Credentials never travel: a worker reads S3 with its own environment's credentials; a file
 * reference needs the same path to be visible to the worker (a shared or local file system).
 *
 * Adding an object kind: a class with `ref()` and one line in REF_OPENERS.
 */
import type { SourceObject } from './types.js';
import { FileObject } from './files.js';

/** How to reach the object's store (no secrets): S3 endpoint, region, profile name. */
export interface RefClient { region?: string; endpoint?: string; profile?: string }

export interface ObjectRef {
  /** Opener kind: `file`, `s3`. */
  kind: string;
  uri: string;
  key: string;
  size: number;
  /** S3: bucket, ETag (the read asks for exactly this version); `time`: S3 key time, a file's mtime. */
  bucket?: string;
  etag?: string;
  time?: number;
  client?: RefClient;
}

/** A source object that can name itself for another process. */
export interface Referable { ref(): ObjectRef }

export function isReferable(o: SourceObject): o is SourceObject & Referable {
  return typeof (o as Partial<Referable>).ref === 'function';
}

type Opener = (ref: ObjectRef) => SourceObject | Promise<SourceObject>;

const REF_OPENERS: Record<string, Opener> = {
  file: (r) => new FileObject(r.uri, r.key, r.size, typeof r.time === 'number' ? r.time : undefined),
  s3: async (r) => (await import('./s3/index.js')).openS3Ref(r),
};

/** The reference of an object; throws for a kind of object that cannot be opened elsewhere. */
export function refOf(o: SourceObject): ObjectRef {
  if (isReferable(o)) return o.ref();
  throw new Error(`${o.uri}: this kind of object cannot be handed to another process`);
}

/** Opens a reference made by refOf; a reference that is not well formed or of an unknown kind is an error. */
export async function openRef(ref: ObjectRef): Promise<SourceObject> {
  if (!ref || typeof ref !== 'object' || typeof ref.uri !== 'string' || typeof ref.key !== 'string' || !Number.isSafeInteger(ref.size) || ref.size < 0) {
    throw new Error('not an object reference (needs uri, key and size)');
  }
  const open = REF_OPENERS[ref.kind];
  if (!open) throw new Error(`object reference of unknown kind "${ref.kind}" (known: ${Object.keys(REF_OPENERS).join(', ')})`);
  return open(ref);
}
