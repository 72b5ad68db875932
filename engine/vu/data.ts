// The `k6/data` module. A SharedArray is built once (by the first VU to
// construct it, VU 0 during option extraction) and stored as JSON in a
// SharedArrayBuffer that every later VU maps without copying. Layout: u32
// count, u32 offsets[count + 1], then the UTF-8 JSON of each element.
import { workerData } from 'node:worker_threads';
import { post, vu } from './state.ts';

const shared = (workerData as { shared: Record<string, SharedArrayBuffer> }).shared;
const decoder = new TextDecoder();

function encode(items: unknown[]): SharedArrayBuffer {
  const parts = items.map((item) => Buffer.from(JSON.stringify(item) ?? 'null', 'utf8'));
  const header = 4 * (parts.length + 2);
  const total = header + parts.reduce((n, p) => n + p.length, 0);
  const sab = new SharedArrayBuffer(total);
  const view = new DataView(sab);
  const bytes = new Uint8Array(sab);
  view.setUint32(0, parts.length, true);
  let at = header;
  parts.forEach((p, i) => {
    view.setUint32(4 * (i + 1), at, true);
    bytes.set(p, at);
    at += p.length;
  });
  view.setUint32(4 * (parts.length + 1), at, true);
  return sab;
}

export class SharedArray {
  constructor(name: string, build: () => unknown[]) {
    if (!vu.inInit) throw new Error('SharedArray can only be constructed in the init context');
    if (typeof name !== 'string' || !name) throw new Error('SharedArray needs a name');
    let sab = shared[name];
    if (!sab) {
      const items = build();
      if (!Array.isArray(items)) throw new Error('the SharedArray function must return an array');
      sab = encode(items);
      shared[name] = sab;
      post({ t: 'shared', name, buffer: sab });
    }
    const view = new DataView(sab);
    const bytes = new Uint8Array(sab);
    const length = view.getUint32(0, true);
    const at = (i: number): unknown => {
      if (!(i >= 0 && i < length)) return undefined;
      const start = view.getUint32(4 * (i + 1), true);
      const end = view.getUint32(4 * (i + 2), true);
      // Copy out of the shared buffer: TextDecoder refuses shared views.
      return deepFreeze(JSON.parse(decoder.decode(bytes.slice(start, end))));
    };
    return new Proxy([] as unknown[], {
      get(target, prop) {
        if (prop === 'length') return length;
        if (typeof prop === 'string' && /^\d+$/.test(prop)) return at(Number(prop));
        if (prop === Symbol.iterator)
          return function* () {
            for (let i = 0; i < length; i++) yield at(i);
          };
        const method = Reflect.get(Array.prototype, prop);
        return typeof method === 'function' ? method : Reflect.get(target, prop);
      },
      has: (_t, prop) =>
        prop === 'length' ||
        (typeof prop === 'string' && /^\d+$/.test(prop) && Number(prop) < length),
      set() {
        throw new Error('SharedArray is read-only');
      },
    }) as unknown as SharedArray;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export default { SharedArray };
