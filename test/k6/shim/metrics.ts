// Shim of `k6/metrics`: samples land in state.samples[name].
import { state } from './state.ts';

class Metric {
  constructor(readonly name: string) {}
  add(value: number | boolean): void {
    (state.samples[this.name] ??= []).push(Number(value));
  }
}
export class Trend extends Metric {}
export class Counter extends Metric {}
export class Rate extends Metric {}
export class Gauge extends Metric {}
