// `loadgate run --dashboard` (or k6's own K6_WEB_DASHBOARD=true): a live view
// of the run, on loopback only, at K6_WEB_DASHBOARD_PORT (default 5665, as
// k6). With real k6 it turns on k6's web dashboard and keeps its exported
// HTML report in the results folder (K6_WEB_DASHBOARD_EXPORT); with the
// built-in engine loadgate serves its own page: the report's client charts,
// redrawn every second and pushed by server-sent events.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InfrastructureError, InputError } from '../core/errors.ts';
import type { Registry } from '../engine/metrics.ts';
import type { Output, OutputRequest } from '../engine/outputs/index.ts';
import { escapeHtml } from '../report/escape.ts';
import { clientCharts, CSS } from '../report/html.ts';
import { TimelineBuilder } from '../report/timeline.ts';

export const DEFAULT_PORT = 5665;
/** k6's exported dashboard report, in the results folder. */
export const K6_DASHBOARD_FILE = 'k6-dashboard.html';
const HOST = '127.0.0.1';

export type DashboardConfig = { port: number };

/** --dashboard or K6_WEB_DASHBOARD=true turn it on; the port is checked before any load (exit 2). */
export function dashboardConfig(
  flag: boolean,
  env: NodeJS.ProcessEnv,
): DashboardConfig | undefined {
  if (!flag && env.K6_WEB_DASHBOARD !== 'true') return undefined;
  const text = env.K6_WEB_DASHBOARD_PORT ?? String(DEFAULT_PORT);
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535)
    throw new InputError(
      `K6_WEB_DASHBOARD_PORT=${text}: not a port (0–65535)`,
      `unset it for ${DEFAULT_PORT}, or pick a free port`,
    );
  return { port };
}

export type Dashboard = {
  /** What runScript is given: k6's dashboard env for real k6, the live page for the built-in engine. */
  output: OutputRequest;
  /** The live page, when loadgate serves it (the built-in engine). */
  url?: string;
  close(): Promise<void>;
};

/**
 * Opens the dashboard of a run: for real k6 only its environment (k6 binds
 * the port itself); for the built-in engine, the page's server, listening
 * before the load starts so a taken port is exit 3, not a failed run.
 */
export async function openDashboard(
  config: DashboardConfig,
  opts: { realK6: boolean; exportFile: string; title: string },
): Promise<Dashboard> {
  const k6 = () => ({
    args: [],
    env: {
      K6_WEB_DASHBOARD: 'true',
      K6_WEB_DASHBOARD_HOST: HOST,
      K6_WEB_DASHBOARD_PORT: String(config.port),
      K6_WEB_DASHBOARD_EXPORT: opts.exportFile,
    },
  });
  if (opts.realK6)
    return {
      output: { name: 'web-dashboard', create: () => idle, k6 },
      close: async () => undefined,
    };
  const live = new LivePage(opts.title);
  const server = createServer((req, res) => live.serve(req.url ?? '/', res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new InfrastructureError(
          `the dashboard cannot listen on ${HOST}:${config.port}: ${error.code ?? error.message}`,
          'free the port, or set K6_WEB_DASHBOARD_PORT to another one',
        ),
      ),
    );
    server.listen(config.port, HOST, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    output: { name: 'web-dashboard', create: () => live.output(), k6 },
    url: `http://${HOST}:${port}/`,
    close: () => live.close(server),
  };
}

const idle: Output = { start: () => undefined, stop: async () => undefined };

/** The built-in engine's live page: timelines fed by the samples, pushed to every open page each second. */
class LivePage {
  private builder = new TimelineBuilder();
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(private readonly title: string) {}

  output(): Output {
    return {
      start: (registry: Registry) => {
        registry.onSample((metric, value, tags, time) =>
          this.builder.addSample(metric.name, value, tags, time),
        );
        this.timer = setInterval(() => this.push(), 1000);
        this.timer.unref();
      },
      stop: async () => {
        clearInterval(this.timer);
        this.ended = true;
        this.push();
      },
    };
  }

  serve(url: string, res: ServerResponse): void {
    if (url === '/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      this.clients.add(res);
      res.on('close', () => this.clients.delete(res));
      res.write(this.event());
      return;
    }
    if (url !== '/') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'",
    });
    res.end(this.page());
  }

  private event(): string {
    const t = this.builder.timelines();
    const html =
      t.points === 0 ? '<p class="note">Waiting for the first samples…</p>' : clientCharts(t);
    const state = this.ended ? 'ended' : 'running';
    return `data: ${JSON.stringify({ state, seconds: t.seconds, html })}\n\n`;
  }

  private push(): void {
    const event = this.event();
    for (const res of this.clients) res.write(event);
  }

  private page(): string {
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(this.title)}: live</title><style>${CSS}</style></head>
<body><h1>${escapeHtml(this.title)}</h1>
<p id="state" class="hint">connecting…</p>
<section id="live"></section>
<script>
const live = document.getElementById('live'), state = document.getElementById('state');
const source = new EventSource('/events');
source.onmessage = (m) => {
  const d = JSON.parse(m.data);
  live.innerHTML = d.html;
  document.body.dataset.seconds = d.seconds;
  state.textContent = (d.state === 'ended' ? 'run ended after ' : 'running: ') + d.seconds + ' s (updated every second; report.html has the full report when the run ends)';
  if (d.state === 'ended') source.close();
};
</script></body></html>
`;
  }

  async close(server: Server): Promise<void> {
    for (const res of this.clients) res.end();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
