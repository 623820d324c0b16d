/** Reading knobs (detector settings, parse limits) from the environment, with one error wording for every knob. */

/** `env[name]` as a non-negative number; `dflt` when unset or empty; throws naming the variable otherwise. */
export function envNumber(env: NodeJS.ProcessEnv, name: string, dflt: number): number {
  const v = env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${JSON.stringify(v)}`);
  return n;
}

/**
 * A configuration read from the environment on first use, which tests and embedders may override:
 * `get()` the one in force; `set(partial)` overrides some knobs over the environment's values;
 * `set(undefined)` re-reads the environment on next use.
 */
export function envConfig<T extends object>(read: () => T): { get(): T; set(c: Partial<T> | undefined): void } {
  let current: T | undefined;
  return {
    get: () => (current ??= read()),
    set: (c) => { current = c === undefined ? undefined : { ...read(), ...c }; },
  };
}
