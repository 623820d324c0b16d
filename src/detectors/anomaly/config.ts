/**
 * Knobs of the behaviour baselines, read once from the environment (docs/cloudtrail-behaviour.md):
 *   VIGIL_BASELINE_LEARNING_DAYS   event-time days a profile observes before it may raise anomalies (7)
 *   VIGIL_BASELINE_MAX_PRINCIPALS  principal profiles kept; the least recently active go first (200,000)
 *   VIGIL_BASELINE_RETENTION_DAYS  a profile idle this long is forgotten (90)
 *   VIGIL_BASELINE_MAX_APIS        API names kept per profile (512); other features keep 64 values
 *   VIGIL_ANOMALY_MIN_SCORE        score an unseen API call needs to be reported (2)
 * VIGIL_BASELINE_LEARNING_DAYS is shared with the network baselines (per-instance profiles).
 */
import { envConfig, envNumber } from '../../core/env.js';

export interface BaselineConfig {
  learningDays: number;
  maxPrincipals: number;
  retentionMs: number;
  maxApis: number;
  maxValues: number;
  minScore: number;
}

export function readBaselineConfig(env: NodeJS.ProcessEnv = process.env): BaselineConfig {
  return {
    learningDays: envNumber(env, 'VIGIL_BASELINE_LEARNING_DAYS', 7),
    maxPrincipals: envNumber(env, 'VIGIL_BASELINE_MAX_PRINCIPALS', 200_000),
    retentionMs: envNumber(env, 'VIGIL_BASELINE_RETENTION_DAYS', 90) * 86_400_000,
    maxApis: envNumber(env, 'VIGIL_BASELINE_MAX_APIS', 512),
    maxValues: 64,
    minScore: envNumber(env, 'VIGIL_ANOMALY_MIN_SCORE', 2),
  };
}

const config = envConfig(() => readBaselineConfig());

/** The configuration in force (read on first use). */
export const baselineConfig = config.get;

/** Overrides the configuration (tests, embedding); undefined re-reads the environment on next use. */
export const setBaselineConfig = config.set;
