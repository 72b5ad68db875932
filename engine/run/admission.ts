// Whether the machine can hold the VUs a test asks for. Each VU is a worker
// thread with its own V8 isolate, much heavier than a k6 VU: a test that
// cannot fit is refused before any load (exit 104); VUs start a few at a
// time, so a machine that runs out of memory while they start is seen
// before any load too; an arrival-rate scenario stops growing when the room
// runs out; and a run whose VUs outgrow the machine is stopped with its
// results written (monitor.ts), rather than the process dying minutes later
// out of memory or out of memory mappings. Free memory is a container's when
// its cgroup limit is lower (machine-memory.ts). The mapping limit is per process:
// a test that needs more VUs than one process can map is spread over child
// engine processes (processesFor, engine/run/children.ts).
import { readFileSync } from 'node:fs';
import { EXIT, ExitError } from '../../core/errors.ts';
import { machineMemory } from './machine-memory.ts';

/**
 * Resident memory of one VU thread: 6.44 MiB for a bare Node worker thread,
 * 5.83 MiB without Node's start-up snapshot (VU_PROCESS_FLAGS), and ~6.4 MiB
 * per VU over a whole 3,000-VU browse run (`npm run bench -- engine`;
 * engine/vu-host.ts says what it is made of). A VU under heavy load grows
 * past it (its young generation fills, its responses queue): the reserve
 * below and the watch during the run are for that.
 */
const VU_BYTES = 6.5 * 1024 * 1024;
/** Memory mappings of one VU thread (its V8 heap pages and stack): ~33–35 measured, with room. */
const VU_MAPPINGS = 40;

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

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/**
 * The memory free now, and what of it the VUs leave to everything else (the
 * target, Prometheus, the OS, the VUs' own growth under load): a tenth of the
 * machine.
 */
function memoryNow(): { free: number; total: number; reserve: number } {
  const { free, total } = machineMemory();
  return { free, total, reserve: Math.max(4 * VU_BYTES, total / 10) };
}

/** Refuses (exit 104) `vus` VU threads when the machine's free memory cannot hold them, in however many processes. */
export function checkMemoryFor(vus: number): void {
  const needed = vus * VU_BYTES;
  const { free, reserve } = memoryNow();
  if (needed > free - reserve)
    throw new ExitError(
      EXIT.invalidConfig,
      `the scenarios start ${vus} VUs at once: about ${gib(needed)} for the built-in engine ` +
        `(a thread of ~${VU_BYTES / 2 ** 20} MiB per VU), more than the ${gib(free)} this machine has free ` +
        `less the ${gib(reserve)} kept for the rest. ` +
        LOWER +
        LIGHTER,
    );
}

/** Refuses (exit 104) to start one more VU while the test's VUs start, when the free memory is down to the reserve. */
export function checkRoomForNextVu(started: number, of: number): void {
  const { free, reserve } = memoryNow();
  if (free <= reserve)
    throw new ExitError(
      EXIT.invalidConfig,
      `the machine ran out of free memory while the VUs started: ${started} of ${of} started, ` +
        `${gib(free)} free (${gib(reserve)} is kept for the rest); no load was sent. ` +
        LOWER +
        LIGHTER,
    );
}

/**
 * During the run: why the test must stop now, when the machine's free memory
 * is down to a twentieth (the VUs grew past what they were counted at start).
 * Stopping keeps the results; running on gets the process killed without them.
 */
export function outOfMemory(vus: number): string | undefined {
  const { free, total } = memoryNow();
  if (free > total / 20) return undefined;
  return (
    `the machine is out of memory: ${gib(free)} free of ${gib(total)} with ${vus} VUs running; ` +
    `the test was stopped to keep its results. ` +
    LOWER +
    LIGHTER
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
  const { free, reserve } = memoryNow();
  return free > reserve && (maps === undefined || maps.free > 4 * VU_MAPPINGS);
}

/**
 * How many VU threads this machine could start now (`loadgate doctor`): by
 * free memory, and by the memory mappings left (Linux, with vm.max_map_count).
 */
export function vuRoom(): {
  byMemory: number;
  freeBytes: number;
  /** What one VU thread is counted: bytes and memory mappings. */
  vuBytes: number;
  vuMappings: number;
  byMappings?: number;
  maxMapCount?: number;
} {
  const { free, reserve } = memoryNow();
  const maps = mappingRoom();
  return {
    byMemory: Math.max(0, Math.floor((free - reserve) / VU_BYTES)),
    freeBytes: free,
    vuBytes: VU_BYTES,
    vuMappings: VU_MAPPINGS,
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
