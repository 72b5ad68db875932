import cluster from 'node:cluster';
import { register } from 'prom-client';

// The supervisor's agent inside every gateway worker, preloaded with
// `--import` (see pods.ts) so the gateway itself needs to know nothing:
// - answers the primary's metrics requests with prom-client's global
//   registry as JSON, so the primary can label each pod's series;
// - ignores SIGINT: Ctrl-C in a terminal signals the whole process group,
//   and only the primary decides how workers stop (SIGTERM, like the kubelet).
//   A worker whose primary dies still exits: node:cluster exits on IPC disconnect.

export const METRICS_REQUEST = 'loadgate:metrics-request';
export const METRICS_RESPONSE = 'loadgate:metrics-response';

if (cluster.isWorker) {
  process.on('SIGINT', () => {});
  process.on('message', (message: { type?: unknown; requestId?: unknown } | null) => {
    if (message?.type !== METRICS_REQUEST) return;
    const reply = (body: object) =>
      process.send?.({ type: METRICS_RESPONSE, requestId: message.requestId, ...body });
    register.getMetricsAsJSON().then(
      (metrics) => reply({ metrics }),
      (error: Error) => reply({ error: error.message }),
    );
  });
}
