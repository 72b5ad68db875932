// The fault flags `loadgate run` and `loadgate platform` share, and how they
// become the sources infra/local/faults-config.ts merges into a FaultConfig.
import { parsePairList } from './args.ts';
import type { FaultSources } from '../infra/local/faults-config.ts';

export const FAULT_OPTIONS = {
  faults: { type: 'string' },
  latency: { type: 'string', multiple: true },
  'error-ratio': { type: 'string', multiple: true },
  'pause-queue': { type: 'boolean' },
} as const;

export type FaultFlagValues = {
  faults?: string;
  latency?: string[];
  'error-ratio'?: string[];
  'pause-queue'?: boolean;
};

/** Whether any fault flag is given. */
export function hasFaultFlags(values: FaultFlagValues): boolean {
  return Boolean(values.faults || values.latency || values['error-ratio'] || values['pause-queue']);
}

/** The flags as fault sources; a ROUTE=VALUE without '=' is an InputError. */
export function faultSources(values: FaultFlagValues): FaultSources {
  // Split at the last '=': the value is a number, a route template could hold one.
  const routes = (flag: string, items: string[] | undefined, example: string) =>
    items && parsePairList(items, flag, { key: 'ROUTE', splitAt: 'last', example });
  return {
    faults: values.faults,
    latency: routes('--latency', values.latency, '/api/products/{id}=1500'),
    errorRatio: routes('--error-ratio', values['error-ratio'], '/api/orders=0.2'),
    pauseQueue: values['pause-queue'],
  };
}
