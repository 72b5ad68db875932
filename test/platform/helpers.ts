/** Small helpers shared by the platform's integration tests. */

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns a value that is not undefined. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Values of one series family in a Prometheus text exposition, by label text. */
export async function scrape(
  url: string,
  name: string,
): Promise<{ labels: string; value: number }[]> {
  const text = await (await fetch(url)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .map((line) => {
      const at = line.lastIndexOf(' ');
      return { labels: line.slice(name.length, at), value: Number(line.slice(at + 1)) };
    });
}

/** An instant query's values (empty when no data). */
export async function promQuery(prometheusUrl: string, expr: string): Promise<number[]> {
  const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data: { result: { value: [number, string] }[] };
  };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
  return body.data.result.map((r) => Number(r.value[1]));
}

type Admin = { adminUrl: string; adminToken: string };

/** A call to the platform's admin endpoint, with its token and JSON bodies typed as such. */
export function admin(platform: Admin, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${platform.adminUrl}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${platform.adminToken}`,
      ...(init.body !== undefined && { 'content-type': 'application/json' }),
      ...(init.headers as Record<string, string>),
    },
  });
}

export async function state(platform: Admin): Promise<{
  replicas: { current: number; desired: number; min: number; max: number };
  pods: { name: string; pid: number | null; ready: boolean; restarts: number }[];
}> {
  return (await admin(platform, '/state')).json() as never;
}

export async function json(
  res: Response,
): Promise<{ data?: { id: number } } & Record<string, unknown>> {
  return (await res.json()) as never;
}
