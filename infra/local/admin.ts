import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { FaultConfig } from './gateway/options.ts';
import type { Deployment } from './kube-metrics.ts';
import { formatZodIssues } from '../../core/zod-issues.ts';

// The admin endpoint (its own port, never the gateway's): fault injection
// and platform state for tests and humans.
//
//   GET  /faults   current FaultConfig
//   PUT  /faults   replace it (zod-validated; 400 with ✖ lines), sent to every gateway worker, current and future
//   POST /crash    {} one gateway worker crashes; {"pod": name} (any deployment's);
//                  {"crashLoop": {"everyMs": n}} or {"crashLoop": null} (the gateway's)
//   GET  /state    the gateway's replicas, utilisation, pods, faults, last decisions;
//                  `deployments`: every deployment's replicas and utilisations
//
// It can crash workers, so it answers only a request that carries the
// per-start token (`Authorization: Bearer <token>`, printed with its URL),
// names a loopback host (no DNS rebinding), comes from no other web origin,
// and sends JSON: a page open in the user's browser can do none of that
// without a CORS preflight, which this endpoint never grants.

const CrashRequest = z.strictObject({
  pod: z.string().min(1).optional(),
  crashLoop: z
    .strictObject({ everyMs: z.number().int().min(100).max(3_600_000) })
    .nullable()
    .optional(),
});

const MAX_BODY = 64 * 1024;

/** `deployments[0]` is the gateway: faults and crash loops apply to it. */
export function adminHandler(deployments: readonly Deployment[], token: string) {
  const { pool } = deployments[0]!;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://admin').pathname;
    const refused = refusal(req, token);
    if (refused) {
      req.resume();
      return send(res, refused.status, { message: refused.message });
    }
    try {
      if (path === '/faults' && req.method === 'GET') return send(res, 200, pool.faults);
      if (path === '/faults' && req.method === 'PUT') {
        const faults = parse(FaultConfig, await readJson(req));
        // Every pool gets them: the gateway injects route faults, the orders
        // service pauses its consumer (app.ts keeps each its own part).
        for (const d of deployments) d.pool.setFaults(faults);
        return send(res, 200, faults);
      }
      if (path === '/crash' && req.method === 'POST') {
        const body = parse(CrashRequest, (await readJson(req, true)) ?? {});
        if (body.crashLoop !== undefined) {
          pool.crashLoop(body.crashLoop?.everyMs);
          return send(res, 200, { crashLoop: body.crashLoop });
        }
        const owner = body.pod
          ? (deployments.find((d) => d.pool.pods.some((p) => p.name === body.pod))?.pool ?? pool)
          : pool;
        const crashed = owner.crash(body.pod);
        if (!crashed)
          return send(res, 409, {
            message: body.pod ? `no ready pod named ${body.pod}` : 'no ready pod',
          });
        return send(res, 202, { crashed });
      }
      if (path === '/state' && req.method === 'GET') return send(res, 200, state(deployments));
      if (['/faults', '/crash', '/state'].includes(path))
        return send(res, 405, { message: 'method not allowed' });
      return send(res, 404, { message: 'not found: GET|PUT /faults, POST /crash, GET /state' });
    } catch (error) {
      if (error instanceof BadRequest) return send(res, 400, { message: error.message });
      return send(res, 500, { message: (error as Error).message });
    }
  };
}

export function state(deployments: readonly Deployment[]) {
  const { pool, autoscaler } = deployments[0]!;
  const spec = autoscaler.spec;
  const last = autoscaler.lastDecision;
  return {
    deployments: Object.fromEntries(
      deployments.map((d) => [
        d.pool.deployment,
        {
          current: d.pool.pods.length,
          desired: d.autoscaler.lastDecision?.desired ?? d.pool.pods.length,
          min: d.autoscaler.spec.minReplicas,
          max: d.autoscaler.spec.maxReplicas,
          cpuUtilisation: d.autoscaler.lastDecision?.utilisation ?? null,
          memoryUtilisation: d.autoscaler.lastDecision?.memoryUtilisation ?? null,
        },
      ]),
    ),
    replicas: {
      current: pool.pods.length,
      desired: last?.desired ?? pool.pods.length,
      min: spec.minReplicas,
      max: spec.maxReplicas,
    },
    utilisation: last?.utilisation ?? null,
    targetUtilisation: spec.targetUtilisation,
    memoryUtilisation: last?.memoryUtilisation ?? null,
    memoryTargetUtilisation: spec.memoryTargetUtilisation ?? null,
    conditions: autoscaler.conditions,
    pods: pool.pods.map((p) => ({
      name: p.name,
      pid: p.worker?.process.pid ?? null,
      ready: p.readyAt !== undefined,
      restarts: p.restarts,
      cpuCores: autoscaler.podCpu.get(p.name) ?? null,
      memoryBytes: autoscaler.podMemory.get(p.name) ?? null,
    })),
    faults: pool.faults,
    crashLoop: pool.crashLoopEveryMs === undefined ? null : { everyMs: pool.crashLoopEveryMs },
    decisions: autoscaler.decisions.slice(-10),
  };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Why a request is refused before it is read, or undefined when it may go on. */
function refusal(
  req: IncomingMessage,
  token: string,
): { status: number; message: string } | undefined {
  const host = req.headers.host ?? '';
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    hostname = '';
  }
  if (!LOOPBACK.has(hostname))
    return {
      status: 403,
      message: `the admin endpoint answers loopback names only, not Host: ${host}`,
    };
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`)
    return {
      status: 403,
      message: `requests from another web origin are refused (Origin: ${origin})`,
    };
  const given = Buffer.from(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return {
      status: 401,
      message: 'send the admin token printed with the admin URL: Authorization: Bearer <token>',
    };
  const hasBody =
    Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'];
  const type = req.headers['content-type'] ?? '';
  if (hasBody && !/^application\/json\s*(;|$)/i.test(type))
    return { status: 415, message: `send the body as application/json, not ${type || 'no type'}` };
  return undefined;
}

class BadRequest extends Error {}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new BadRequest(formatZodIssues(result.error.issues));
  return result.data;
}

async function readJson(req: IncomingMessage, optional = false): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new BadRequest(`✖ body larger than ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) {
    if (optional) return undefined;
    throw new BadRequest('✖ a JSON body is required');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadRequest(`✖ malformed JSON: ${(error as Error).message}`);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2) + '\n';
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
