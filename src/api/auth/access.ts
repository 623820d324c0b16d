/**
 * Which requests change something, decided once for every route so no handler has to remember:
 * a GuardDuty operation is a read when its name starts with Get, List or Describe (the same rule
 * as AWS's managed AmazonGuardDutyReadOnlyAccess policy, `guardduty:Get*`, `List*`, `Describe*`);
 * every other operation mutates. A route without an operation name (Vigil's /vigil/ extensions)
 * is a read only for GET and HEAD. The server refuses a mutating request from a principal that
 * cannot write before its handler runs (server.ts, `authenticate`).
 */
const READ_OPERATION = /^(Get|List|Describe)[A-Z]/;
const SAFE_METHODS = new Set(['GET', 'HEAD']);

export function mutates(route: { method: string; op?: string }): boolean {
  return route.op ? !READ_OPERATION.test(route.op) : !SAFE_METHODS.has(route.method.toUpperCase());
}
