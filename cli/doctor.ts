// What `loadgate doctor` checks on this machine, each a line with its fix:
// Node, the engine (native addon, real k6), the local platform's Prometheus,
// promtool and Chromium, how many built-in VUs fit (free memory and
// vm.max_map_count, as engine/run/admission.ts counts them), and optionally
// that a target and a Prometheus answer. The environment (PATH, K6_BIN…) is
// a parameter, so a test can hand it a PATH of its own.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { engineInfo } from '../engine/k6-version.ts';
import { nativeAddon } from '../engine/native-addon.ts';
import { vuRoom } from '../engine/run/admission.ts';

export type Check = {
  name: string;
  ok: boolean;
  /** A required check that fails makes `loadgate doctor` exit 1. */
  required: boolean;
  detail: string;
  /** What to do when it fails. */
  fix?: string;
};

export type DoctorOptions = {
  env: NodeJS.ProcessEnv;
  target?: string;
  prometheus?: string;
  /** Node's version (default: this process's). */
  nodeVersion?: string;
  /** The minimum major version (package.json engines: >=20). */
  nodeMajor?: number;
};

/** A few hundred VUs is what the bundled profiles need locally. */
const ENOUGH_VUS = 200;

export async function runChecks(o: DoctorOptions): Promise<Check[]> {
  const checks: Check[] = [nodeCheck(o.nodeVersion ?? process.version, o.nodeMajor ?? 20)];

  const addon = nativeAddon(o.env);
  checks.push({
    name: 'engine addon',
    ok: addon.path !== undefined,
    required: false,
    detail: addon.path
      ? `native HTTP addon built (${addon.path})`
      : o.env.LOADGATE_NATIVE_HTTP === '0'
        ? 'switched off (LOADGATE_NATIVE_HTTP=0): VUs send every request through the main thread'
        : (addon.warning ?? 'not built'),
    fix: 'npm run install (node-gyp; needs make and g++)',
  });

  const engine = await engineInfo(o.env);
  checks.push(
    engine.engine === 'k6'
      ? {
          name: 'k6',
          ok: engine.version !== undefined,
          required: false,
          detail: engine.version ? `${engine.version} (${engine.path})` : engine.problem!,
          fix: 'reinstall k6, or point K6_BIN at a working k6 binary',
        }
      : {
          name: 'k6',
          ok: false,
          required: false,
          detail: 'not on PATH nor in K6_BIN: runs use the built-in engine',
          fix: 'install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/) or set K6_BIN, for runs beyond ~1,000 VUs',
        },
  );

  checks.push(
    await toolCheck(o.env, {
      name: 'prometheus',
      binary: o.env.PROMETHEUS_BIN ?? 'prometheus',
      required: true,
      why: 'the local platform and the SLO check of a local run',
      fix: 'apt-get install -y prometheus (or set PROMETHEUS_BIN)',
    }),
    await toolCheck(o.env, {
      name: 'promtool',
      binary: 'promtool',
      required: false,
      why: 'the alert-rule tests',
      fix: 'apt-get install -y prometheus (it ships promtool)',
    }),
    await toolCheck(o.env, {
      name: 'chromium',
      binary: 'chromium',
      required: false,
      why: 'the report page tests in a headless browser',
      fix: 'apt-get install -y chromium',
      versionArgs: ['--version'],
    }),
  );

  checks.push(...roomChecks());
  if (o.target) checks.push(await reachable('target', o.target, o.target));
  if (o.prometheus)
    checks.push(
      await reachable(
        'prometheus URL',
        o.prometheus,
        `${o.prometheus.replace(/\/+$/, '')}/api/v1/query?query=1`,
      ),
    );
  return checks;
}

function nodeCheck(version: string, major: number): Check {
  const found = Number(/^v?(\d+)/.exec(version)?.[1]);
  return {
    name: 'node',
    ok: found >= major,
    required: true,
    detail: `${version} (≥ ${major} required)`,
    fix: `install Node ${major} or later (https://nodejs.org/)`,
  };
}

/** The executable `name` as the platform would find it: a path, or a name looked up on PATH. */
export function which(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const candidates = name.includes('/')
    ? [name]
    : (env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, name));
  return candidates.find((c) => {
    try {
      accessSync(c, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

async function toolCheck(
  env: NodeJS.ProcessEnv,
  t: {
    name: string;
    binary: string;
    required: boolean;
    why: string;
    fix: string;
    versionArgs?: string[];
  },
): Promise<Check> {
  const path = which(t.binary, env);
  if (!path)
    return {
      name: t.name,
      ok: false,
      required: t.required,
      detail: `${t.binary} not found (needed for ${t.why})`,
      fix: t.fix,
    };
  const version = await firstLine(path, t.versionArgs ?? ['--version'], env);
  return {
    name: t.name,
    ok: true,
    required: t.required,
    detail: version ? `${version} (${path})` : path,
  };
}

function firstLine(path: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve) => {
    execFile(path, args, { env, timeout: 10_000 }, (_error, stdout, stderr) => {
      // prometheus --version writes to stderr on older releases.
      resolve((String(stdout).trim() || String(stderr).trim()).split('\n')[0]!.trim());
    });
  });
}

function roomChecks(): Check[] {
  const room = vuRoom();
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;
  const checks: Check[] = [
    {
      name: 'memory',
      ok: room.byMemory >= ENOUGH_VUS,
      required: false,
      detail: `${gib(room.freeBytes)} free: room for ~${room.byMemory} built-in VUs (~${room.vuBytes / 2 ** 20} MiB each)`,
      fix: 'free memory, lower the load, or use real k6 (far lighter VUs)',
    },
  ];
  if (room.byMappings !== undefined)
    checks.push({
      name: 'vm.max_map_count',
      ok: room.byMappings >= ENOUGH_VUS,
      required: false,
      // Per process: past it the engine spreads the VUs over child processes.
      detail: `${room.maxMapCount}: ~${room.byMappings} built-in VUs per engine process (~${room.vuMappings} mappings each); more run in several processes`,
      fix: 'sysctl -w vm.max_map_count=262144 (as root) for fewer, larger engine processes, or use real k6',
    });
  return checks;
}

async function reachable(name: string, url: string, probe: string): Promise<Check> {
  const shown = url.replace(/\/\/[^@/]*@/, '//');
  try {
    const res = await fetch(probe, { signal: AbortSignal.timeout(5000), redirect: 'manual' });
    await res.body?.cancel();
    const ok = res.status < 400;
    return {
      name,
      ok,
      required: true,
      detail: `${shown} answered HTTP ${res.status}`,
      fix: ok
        ? undefined
        : res.status === 401 || res.status === 403
          ? 'it wants credentials (see loadgate slo check --help: --bearer-token, --basic-auth)'
          : 'check the URL (and its path prefix)',
    };
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause?.code;
    return {
      name,
      ok: false,
      required: true,
      detail: `${shown} does not answer (${cause ?? (error as Error).message})`,
      fix: 'check the URL, and that it is reachable from this machine',
    };
  }
}

/** `✔ node v22.1.0 (≥ 20 required)`, `✖ k6 not found … → fix: …`. */
export function checkLine(c: Check): string {
  const mark = c.ok ? '✔' : '✖';
  const optional = c.required ? '' : ' (optional)';
  const fix = !c.ok && c.fix ? `\n    fix: ${c.fix}` : '';
  return `${mark} ${c.name}${c.ok ? '' : optional}: ${c.detail}${fix}`;
}
