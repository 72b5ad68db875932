// Whether the machine can hold the VUs a test asks for. Each VU is a worker
// thread with its own V8 isolate, much heavier than a k6 VU: a test that
// cannot fit is refused before any load (exit 104), and an arrival-rate
// scenario stops growing when the room runs out, rather than the process
// dying minutes later out of memory or out of memory mappings. The mapping
// limit is per process: a test that needs more VUs than one process can map
// is spread over child engine processes (processesFor, engine/run/children.ts).
import { readFileSync } from 'node:fs';
import { freemem, totalmem } from 'node:os';
import { EXIT, ExitError } from '../../core/errors.ts';

/**
 * Resident memory of one VU thread, with room: ~8.5 MB idle (`npm run bench
 * -- engine`), ~11 MB running the journeys (7.8 GB for 660 VUs in a local
 * capacity run).
 */
const VU_BYTES = 12 * 1024 * 1024;
/** Memory mappings of one VU thread (its V8 heap spaces and stack): ~44 measured, with room. */
const VU_MAPPINGS = 50;

/**
 * Refuses (exit 104) `vus` VU threads started at once when the free memory
 * or the memory mappings cannot hold them (Linux caps mappings per process:
 * vm.max_map_count, 65,530 by default, about 1,300 VUs).
 */
export function checkRoomFor(vus: number): void {
  checkMemoryFor(vus);
  const maps = mappingRoom();
  if (maps !== undefined && vus * VU_MAPPINGS > maps.free)
    throw new ExitError(
      EXIT.invalidConfig,
      `the scenarios start ${vus} VUs at once, more than the ~${Math.floor(maps.free / VU_MAPPINGS)} ` +
        `this process can map (vm.max_map_count = ${maps.max}; each VU thread needs ~${VU_MAPPINGS}). ` +
        `${LOWER}raise the limit (sysctl -w vm.max_map_count=262144), ${LIGHTER}`,
    );
}

const LIGHTER = 'or run real k6 (K6_BIN or k6 on PATH), whose VUs are far lighter.';
const LOWER =
  'Lower the load (VUs, preAllocatedVUs; TARGET_RPS or THINK_TIME for the bundled profiles), ';

/** Refuses (exit 104) `vus` VU threads when the machine's free memory cannot hold them, in however many processes. */
export function checkMemoryFor(vus: number): void {
  const needed = vus * VU_BYTES;
  const available = freemem();
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (needed > available * 0.8)
    throw new ExitError(
      EXIT.invalidConfig,
      `the scenarios start ${vus} VUs at once: about ${gib(needed)} for the built-in engine ` +
        `(a thread of ~12 MB per VU), more than the ${gib(available)} this machine has free. ` +
        LOWER +
        LIGHTER,
    );
}

/**
 * The most VU threads one engine process takes: LOADGATE_VUS_PER_PROCESS
 * when set, else what a fresh process can map (vm.max_map_count, with a
 * tenth kept for the rest of the process); no limit where it is unknown.
 */
export function vusPerProcess(env: NodeJS.ProcessEnv = process.env): number {
  const forced = Number(env.LOADGATE_VUS_PER_PROCESS);
  if (Number.isInteger(forced) && forced > 0) return forced;
  const maps = mappingRoom();
  return maps ? Math.max(1, Math.floor((maps.max * 0.9) / VU_MAPPINGS)) : Infinity;
}

/** How many engine processes `vus` VU threads need (1: this one alone). */
export function processesFor(vus: number, perProcess = vusPerProcess()): number {
  return vus > perProcess ? Math.ceil(vus / perProcess) : 1;
}

/** Starts one more VU thread when there is room for it now, else rejects saying why. */
export function oneMoreIfRoom<T>(start: () => Promise<T>): Promise<T> {
  return roomForOneMore()
    ? start()
    : Promise.reject(
        new Error(
          'no free memory or memory mappings left for another VU thread; running with the VUs started so far (real k6 has lighter VUs)',
        ),
      );
}

/** Room for one more VU thread now, with a margin for the rest of the process. */
function roomForOneMore(): boolean {
  const maps = mappingRoom();
  // Keep a tenth of the machine for everything else (the target, Prometheus, the OS).
  const margin = Math.max(4 * VU_BYTES, totalmem() / 10);
  return freemem() > margin && (maps === undefined || maps.free > 4 * VU_MAPPINGS);
}

/**
 * How many VU threads this machine could start now (`loadgate doctor`): by
 * free memory, and by the memory mappings left (Linux, with vm.max_map_count).
 */
export function vuRoom(): {
  byMemory: number;
  freeBytes: number;
  byMappings?: number;
  maxMapCount?: number;
} {
  const freeBytes = freemem();
  const maps = mappingRoom();
  return {
    byMemory: Math.floor((freeBytes * 0.8) / VU_BYTES),
    freeBytes,
    ...(maps && { byMappings: Math.floor(maps.free / VU_MAPPINGS), maxMapCount: maps.max }),
  };
}

/** Linux only: the per-process mapping limit and how much of it is left. */
function mappingRoom(): { max: number; free: number } | undefined {
  try {
    const max = Number(readFileSync('/proc/sys/vm/max_map_count', 'utf8'));
    const used = readFileSync('/proc/self/maps', 'utf8').split('\n').length;
    return Number.isFinite(max) ? { max, free: max - used } : undefined;
  } catch {
    return undefined;
  }
}
