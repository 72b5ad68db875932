// The `k6/metrics` module: Counter, Gauge, Rate, Trend.
import { currentTags, defineMetric, emit, vu } from './state.ts';
import { stringTags } from './k6.ts';

class Metric {
  readonly name: string;
  constructor(name: string, type: 'counter' | 'gauge' | 'rate' | 'trend', isTime = false) {
    if (!vu.inInit) throw new Error('metrics must be declared in the init context');
    this.name = name;
    defineMetric({ name, type, isTime: Boolean(isTime) });
  }
  protected sample(value: number, tags?: Record<string, unknown>): void {
    if (typeof value !== 'number' || Number.isNaN(value))
      throw new Error(
        `'${String(value)}' is an invalid value for metric '${this.name}', a number or a boolean value is expected`,
      );
    emit(this.name, value, tags ? { ...currentTags(), ...stringTags(tags) } : currentTags());
  }
}

export class Counter extends Metric {
  constructor(name: string) {
    super(name, 'counter');
  }
  add(value: number, tags?: Record<string, unknown>): void {
    this.sample(Number(value), tags);
  }
}
export class Gauge extends Metric {
  constructor(name: string) {
    super(name, 'gauge');
  }
  add(value: number, tags?: Record<string, unknown>): void {
    this.sample(Number(value), tags);
  }
}
export class Rate extends Metric {
  constructor(name: string) {
    super(name, 'rate');
  }
  add(value: unknown, tags?: Record<string, unknown>): void {
    this.sample(value ? 1 : 0, tags);
  }
}
export class Trend extends Metric {
  constructor(name: string, isTime?: boolean) {
    super(name, 'trend', isTime);
  }
  add(value: number, tags?: Record<string, unknown>): void {
    this.sample(Number(value), tags);
  }
}

export default { Counter, Gauge, Rate, Trend };
