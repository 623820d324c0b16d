/**
 * Memoises what a detector derives from its context (its state namespaces, mostly) once per
 * context, so the per-event path does not look namespaces up by name and allocate their options
 * on every call. A namespace's options only count when it is first made, so this changes nothing
 * but the cost.
 */
export function perContext<C extends object, T>(make: (ctx: C) => T): (ctx: C) => T {
  const cache = new WeakMap<C, T>();
  return (ctx) => {
    let t = cache.get(ctx);
    if (t === undefined) cache.set(ctx, (t = make(ctx)));
    return t;
  };
}
