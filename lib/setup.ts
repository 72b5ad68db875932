// setup(): shared by every scenario. Fails fast when the gateway is not
// healthy, then discovers the catalogue the VUs will browse and buy from.
import type { Config } from './config.ts';
import { generateRunId } from './data.ts';
import { Gateway } from './gateway.ts';

export interface SetupData {
  /** RUN_ID, or one generated here so every VU sends the same X-Load-Test-Run. */
  runId: string;
  productIds: number[];
  categories: string[];
}

export function discover(config: Config): SetupData {
  const runId = config.runId ?? generateRunId();
  const gw = new Gateway(config.baseUrl, runId);

  const health = gw.health();
  if (!health.data) {
    const why =
      health.res.error || `GET /health answered ${health.res.status} ${excerpt(health.res.body)}`;
    throw new Error(`gateway at ${config.baseUrl} is not healthy: ${why}`);
  }

  const products = gw.products({ page: 1, perPage: 100 });
  const productIds = (products.data?.data ?? []).filter((p) => p.stock > 0).map((p) => p.id);
  if (productIds.length === 0) {
    throw new Error(
      `gateway at ${config.baseUrl} lists no product in stock (GET /api/products answered ${products.res.status})`,
    );
  }
  const categories = (gw.categories().data?.data ?? []).map((c) => c.slug);
  return { runId, productIds, categories };
}

function excerpt(body: unknown): string {
  return typeof body === 'string' ? body.slice(0, 200) : '';
}
