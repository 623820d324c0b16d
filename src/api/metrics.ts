/** Prometheus metrics of the API (served at /vigil/metrics with the process defaults). */
import client from 'prom-client';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'vigil_' });

export const apiMetrics = {
  requests: new client.Counter({ name: 'vigil_api_requests_total', help: 'GuardDuty API requests answered, by operation', labelNames: ['op'], registers: [registry] }),
  errors: new client.Counter({ name: 'vigil_api_errors_total', help: 'GuardDuty API errors, by operation and exception', labelNames: ['op', 'type'], registers: [registry] }),
  authFailures: new client.Counter({ name: 'vigil_api_auth_failures_total', help: 'Requests refused by SigV4 verification, by reason', labelNames: ['reason'], registers: [registry] }),
  latency: new client.Histogram({ name: 'vigil_api_request_seconds', help: 'GuardDuty API latency by operation', labelNames: ['op'], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5], registers: [registry] }),
};
