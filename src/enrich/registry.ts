/**
 * The enrichers, in the order they run (later ones may read what earlier ones published).
 * Adding one is one file plus one line here.
 */
import type { Enricher } from '../engine/index.js';
import { cloudTrailCaller } from './cloudtrail-caller.js';
import { flowDirection } from './flow-direction.js';
import { intelMatch } from './intel.js';
import { cloudTrailGeo } from './cloudtrail-geo.js';
import { cloudTrailIdentity } from './cloudtrail-identity.js';
import { instanceIdentity } from './instance-identity.js';

export const ENRICHERS: readonly Enricher[] = [
  cloudTrailCaller,
  flowDirection,
  instanceIdentity, // instance id of an ENI: flow record, inventory, or learned from CloudTrail
  intelMatch, // after the two above: it reads the caller IP and the remote side
  cloudTrailGeo, // ASN, country, AWS ranges of the caller IP (after cloudtrail-caller)
  cloudTrailIdentity, // baseline principal and user-agent family (after cloudtrail-caller)
];
