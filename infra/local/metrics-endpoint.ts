import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  renderKubeMetrics,
  renderWorkerMetrics,
  type Deployment,
  type KubeMetricsOptions,
} from './kube-metrics.ts';

/**
 * The platform's metrics endpoint (its own port). Two paths mirror the two
 * scrape jobs of a cluster, so `job` means the same thing locally:
 *   /metrics/gateway  every pod's own series, gateway and services (job="api-gateway"),
 *                     each with its `service`, `namespace` and `pod`
 *   /metrics/kube     kube-state-metrics + cAdvisor series (job="autoscaler")
 *   /metrics          both, for humans
 */
export function metricsHandler(deployments: readonly Deployment[], options: KubeMetricsOptions) {
  const pools = deployments.map((d) => d.pool);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://metrics').pathname;
    if (req.method !== 'GET') return text(res, 405, 'method not allowed\n');
    try {
      if (path === '/metrics/gateway') return text(res, 200, await renderWorkerMetrics(pools));
      if (path === '/metrics/kube')
        return text(res, 200, await renderKubeMetrics(deployments, options));
      if (path === '/metrics') {
        const [gateway, kube] = await Promise.all([
          renderWorkerMetrics(pools),
          renderKubeMetrics(deployments, options),
        ]);
        return text(res, 200, `${gateway}\n${kube}`);
      }
      return text(res, 404, 'not found: /metrics, /metrics/gateway, /metrics/kube\n');
    } catch (error) {
      return text(res, 500, `${(error as Error).message}\n`);
    }
  };
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  res.end(body);
}
