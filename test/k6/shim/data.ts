// Shim of `k6/data`: a SharedArray is the (frozen) array its callback builds.
export class SharedArray<T> {
  constructor(_name: string, build: () => T[]) {
    return Object.freeze(build()) as unknown as SharedArray<T>;
  }
}
