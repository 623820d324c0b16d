/**
 * Run-time services the engine hands to enrichers and detectors: today the threat-intel
 * indexes (threat lists and trusted lists). The application builds them before a run;
 * enrichers and detectors read them and never fetch or build anything themselves.
 */
import { IntelIndex } from '../intel/matcher/index.js';

export interface IntelServices {
  /** Every active THREAT list, merged into one index. */
  threat: IntelIndex;
  /** Every active TRUSTED list (GuardDuty's IPSet / trusted entity set), merged. */
  trusted: IntelIndex;
}

export interface EngineServices {
  intel: IntelServices;
}

/** Services with no lists, for runs (and tests) that configure none. */
export function emptyServices(): EngineServices {
  return { intel: { threat: IntelIndex.empty(), trusted: IntelIndex.empty() } };
}
