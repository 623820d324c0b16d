/**
 * Knobs of the per-instance network baselines and the network heuristics, read once from the
 * environment (docs/network-behaviour.md):
 *   VIGIL_INSTANCE_LEARNING_DAYS    event-time days an instance profile observes before it may raise
 *                                   anomalies (default: VIGIL_BASELINE_LEARNING_DAYS, else 7)
 *   VIGIL_INSTANCE_MAX_PROFILES     instance profiles kept; the least recently active go first (100,000)
 *   VIGIL_INSTANCE_RETENTION_DAYS   a profile idle this long is forgotten (30)
 *   VIGIL_VOLUME_FACTOR             TrafficVolumeUnusual: times the largest learned hourly volume to one host (10)
 *   VIGIL_VOLUME_MIN_MB             TrafficVolumeUnusual: never below this many MiB in an hour to one host (512)
 *   VIGIL_SPAMBOT_MIN_HOSTS         Spambot: distinct public SMTP hosts within an hour (5)
 *   VIGIL_DOS_MIN_PPS               DenialOfService.*: packets per second to one host, sustained over a minute (2,000)
 */
import { envConfig, envNumber } from '../../core/env.js';

export interface InstanceBaselineConfig {
  learningDays: number;
  maxProfiles: number;
  retentionMs: number;
  /** Values kept per feature (ports, protocols); past it the feature is "wide" and stops reporting. */
  maxPorts: number;
  /** Public resolvers / DoH / DoT peers kept; an instance using more is itself a resolver or a crawler. */
  maxResolvers: number;
  volumeFactor: number;
  volumeMinBytes: number;
  spambotMinHosts: number;
  dosMinPps: number;
}

export function readInstanceBaselineConfig(env: NodeJS.ProcessEnv = process.env): InstanceBaselineConfig {
  return {
    learningDays: envNumber(env, 'VIGIL_INSTANCE_LEARNING_DAYS', envNumber(env, 'VIGIL_BASELINE_LEARNING_DAYS', 7)),
    maxProfiles: envNumber(env, 'VIGIL_INSTANCE_MAX_PROFILES', 100_000),
    retentionMs: envNumber(env, 'VIGIL_INSTANCE_RETENTION_DAYS', 30) * 86_400_000,
    maxPorts: 128,
    maxResolvers: 12,
    volumeFactor: envNumber(env, 'VIGIL_VOLUME_FACTOR', 10),
    volumeMinBytes: envNumber(env, 'VIGIL_VOLUME_MIN_MB', 512) * 1_048_576,
    spambotMinHosts: envNumber(env, 'VIGIL_SPAMBOT_MIN_HOSTS', 5),
    dosMinPps: envNumber(env, 'VIGIL_DOS_MIN_PPS', 2_000),
  };
}

const config = envConfig(() => readInstanceBaselineConfig());

/** The configuration in force (read on first use). */
export const instanceBaselineConfig = config.get;

/** Overrides the configuration (tests, eval, bench); undefined re-reads the environment on next use. */
export const setInstanceBaselineConfig = config.set;
