// The platform's deployments the journeys reach, with the autoscaling row the
// documents give each (seed 001, "Stratégie Autoscaling": API Gateway 3–15,
// Auth 3–10, Products 3–12, Orders 3–10, every other service 2–8; CPU 70 %,
// memory 80 %), and the routes each one serves behind the gateway. The local
// platform runs one autoscaled worker pool per row; slo/local.yaml judges the
// same table.

export const GATEWAY = 'api-gateway';

export interface ServiceRow {
  /** Deployment name, also the `service` label of its series and the prefix of its pods. */
  deployment: string;
  minReplicas: number;
  maxReplicas: number;
  /** Path prefixes of the route templates it serves (none for the gateway: it routes). */
  routes: readonly string[];
}

export const CPU_TARGET = 70;
export const MEMORY_TARGET = 80;

export const SERVICES: readonly ServiceRow[] = [
  { deployment: GATEWAY, minReplicas: 3, maxReplicas: 15, routes: [] },
  { deployment: 'auth-service', minReplicas: 3, maxReplicas: 10, routes: ['/api/auth/'] },
  {
    deployment: 'products-service',
    minReplicas: 3,
    maxReplicas: 12,
    routes: ['/api/categories', '/api/products'],
  },
  { deployment: 'baskets-service', minReplicas: 2, maxReplicas: 8, routes: ['/api/baskets'] },
  { deployment: 'orders-service', minReplicas: 3, maxReplicas: 10, routes: ['/api/orders'] },
  { deployment: 'addresses-service', minReplicas: 2, maxReplicas: 8, routes: ['/api/addresses'] },
  { deployment: 'sav-service', minReplicas: 2, maxReplicas: 8, routes: ['/api/sav/'] },
  {
    deployment: 'newsletters-service',
    minReplicas: 2,
    maxReplicas: 8,
    routes: ['/api/newsletters/'],
  },
];

export const DEPLOYMENTS: readonly string[] = SERVICES.map((s) => s.deployment);

/** The platform names HPAs `<deployment>-hpa` (`auth-service-hpa`). */
export function hpaName(deployment: string): string {
  return `${deployment}-hpa`;
}

/** The deployment that serves a route template: a service, or the gateway itself (`/health`). */
export function serviceOfRoute(template: string): string {
  const row = SERVICES.find((s) => s.routes.some((prefix) => template.startsWith(prefix)));
  return row?.deployment ?? GATEWAY;
}

const SHORT: Record<string, string> = {
  [GATEWAY]: 'gw',
  'auth-service': 'auth',
  'products-service': 'prod',
  'baskets-service': 'bask',
  'orders-service': 'ord',
  'addresses-service': 'addr',
  'sav-service': 'sav',
  'newsletters-service': 'news',
};

/** The end of the progress line: `replicas gw 4 auth 3 prod 3 bask 2 ord 3 addr 2 sav 2 news 2`. */
export function replicaSummary(replicas: Record<string, number>): string | undefined {
  const parts = Object.entries(replicas).map(([d, n]) => `${SHORT[d] ?? d} ${n}`);
  return parts.length > 0 ? `replicas ${parts.join(' ')}` : undefined;
}
