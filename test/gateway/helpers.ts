import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Gateway, createGateway, listen } from '../../infra/local/gateway/app.ts';
import type { GatewayOptionsInput } from '../../infra/local/gateway/options.ts';

export interface Running {
  url: string;
  gateway: Gateway;
  dataDir: string;
  stop(): Promise<void>;
}

/** A single-process gateway on 127.0.0.1 over a fresh temp data dir (bcrypt cost 4: tests, not security). */
export async function startGateway(options: Partial<GatewayOptionsInput> = {}): Promise<Running> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'loadgate-gw-'));
  const gateway = createGateway({ bcryptCost: 4, exposeMetrics: true, ...options, dataDir });
  const url = await listen(gateway);
  return {
    url,
    gateway,
    dataDir,
    async stop() {
      await gateway.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary JSON
  body: any;
}

/** One JSON call; `json` is sent as `application/json`, `raw` as is. */
export async function api(
  base: string,
  path: string,
  init: {
    method?: string;
    json?: unknown;
    raw?: RequestInit['body'];
    token?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { 'x-load-test-run': 'test-gateway', ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: RequestInit['body'] | undefined = init.raw;
  if (init.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(init.json);
  }
  const res = await fetch(base + path, {
    method: init.method ?? (body !== undefined ? 'POST' : 'GET'),
    headers,
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export async function demoToken(base: string): Promise<string> {
  const res = await api(base, '/api/auth/login', {
    json: { email: 'demo@example.test', password: 'demo-password' },
  });
  if (res.status !== 200) throw new Error(`demo login failed: ${res.status}`);
  return res.body.token as string;
}

let users = 0;

/** A brand-new user (so tests do not see each other's baskets and orders). */
export async function newUser(base: string): Promise<{ token: string; id: number; email: string }> {
  const email = `user${++users}-${process.pid}@example.test`;
  const res = await api(base, '/api/auth/register', {
    json: { name: 'Test User', email, password: 'correct-horse' },
  });
  if (res.status !== 201)
    throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.token as string, id: res.body.user.id as number, email };
}

/** Poll until `check` returns a value (not a timing assertion: it only bounds a wait). */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function metricsText(base: string): Promise<string> {
  const res = await fetch(`${base}/metrics`);
  return res.text();
}

/** The value of one exposition line, e.g. `sample(text, 'rabbitmq_queue_messages_ready{queue="orders"}')`. */
export function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}
