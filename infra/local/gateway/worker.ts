// Cluster worker entry of the local platform's gateway. The supervisor (a
// node:cluster primary) forks it, bundled with the agent (worker-bundle.ts), and:
//   env LOADGATE_GATEWAY_OPTIONS  GatewayOptions as JSON (dataDir at least)
//   env PORT                      port shared by every worker on 127.0.0.1
//   IPC {type:'faults', faults}   replace the injected faults (FaultConfig)
//   IPC {type:'crash'}            exit(1) at once, like a crashing pod
//   SIGTERM, IPC disconnect       graceful stop, exit 0
// Metrics stay in this process' default registry; the primary serves them,
// merged over workers with prom-client's AggregatorRegistry.

import { AggregatorRegistry } from 'prom-client';
import { z } from 'zod';
import { createGateway, listen } from './app.ts';
import { FaultConfig, GatewayOptions } from './options.ts';

const Message = z.discriminatedUnion('type', [
  z.object({ type: z.literal('faults'), faults: FaultConfig }),
  z.object({ type: z.literal('crash') }),
]);

function fail(message: string): never {
  console.error(`[gateway worker ${process.pid}] ${message}`);
  process.exit(2);
}

let raw: unknown;
try {
  raw = JSON.parse(process.env.LOADGATE_GATEWAY_OPTIONS ?? '');
} catch {
  fail('LOADGATE_GATEWAY_OPTIONS must hold the gateway options as JSON');
}
const parsed = GatewayOptions.safeParse(raw);
if (!parsed.success) fail(`bad LOADGATE_GATEWAY_OPTIONS: ${z.prettifyError(parsed.error)}`);
// Workers of one pool must verify each other's tokens: the supervisor draws
// the secret once, and a worker never draws its own.
if (!(raw as { jwtSecret?: unknown }).jwtSecret)
  fail('LOADGATE_GATEWAY_OPTIONS must carry the jwtSecret shared by every worker of the pool');
const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`bad PORT ${process.env.PORT ?? '(unset)'}`);

// prom-client 15 attaches the worker-side listener that answers the primary's
// `clusterMetrics()` requests only when an AggregatorRegistry is constructed
// in the worker too (lib/cluster.js, addListeners); without it the primary times out.
new AggregatorRegistry();

const gateway = createGateway({ ...parsed.data, exposeMetrics: false });
await listen(gateway, port);

process.on('message', (msg: unknown) => {
  const m = Message.safeParse(msg);
  if (!m.success) {
    const type = (msg as { type?: unknown } | null)?.type;
    if (type === 'faults' || type === 'crash')
      console.error(`[gateway worker ${process.pid}] bad ${type} message`);
    return;
  }
  if (m.data.type === 'crash') process.exit(1);
  gateway.setFaults(m.data.faults);
});

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  // Hard stop if something hangs; close() itself gives in-flight requests 2 s.
  setTimeout(() => process.exit(1), 5_000).unref();
  gateway.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`[gateway worker ${process.pid}] close failed:`, err);
      process.exit(1);
    },
  );
}
process.on('SIGTERM', stop);
// The primary is gone (killed, crashed): never outlive it as an orphan.
process.on('disconnect', stop);

// A handler bug must cost one request, never the worker (handlers already catch theirs).
process.on('unhandledRejection', (err) => {
  console.error(`[gateway worker ${process.pid}] unhandled rejection:`, err);
});
