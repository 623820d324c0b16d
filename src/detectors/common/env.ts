/** Reading detector knobs from the environment, with one error wording for every knob. */

/** `env[name]` as a non-negative number; `dflt` when unset or empty; throws naming the variable otherwise. */
export function envNumber(env: NodeJS.ProcessEnv, name: string, dflt: number): number {
  const v = env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${JSON.stringify(v)}`);
  return n;
}
