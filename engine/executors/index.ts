// The executors the built-in engine has, by their k6 name (as k6 registers
// its own in lib/executor/*.go): the one list the options schema, the VU
// count before the test, the planned duration and the run dispatch read.
// Adding an executor is a file in this folder and a line here.
import * as z from 'zod';
import { constantArrivalRate } from './constant-arrival-rate.ts';
import { constantVus } from './constant-vus.ts';
import type { ExecutionTuple, Stripe } from '../execution-segment.ts';
import type { Executor, ExecutorContext } from './executor.ts';
import { perVuIterations } from './per-vu-iterations.ts';
import { rampingArrivalRate } from './ramping-arrival-rate.ts';
import { rampingVus } from './ramping-vus.ts';
import { sharedIterations } from './shared-iterations.ts';

export type { ExecutorContext } from './executor.ts';

const EXECUTORS = [
  sharedIterations,
  perVuIterations,
  constantVus,
  rampingVus,
  constantArrivalRate,
  rampingArrivalRate,
] as const;

type SchemasOf<T> = { [K in keyof T]: T[K] extends { schema: infer S } ? S : never };

/** A scenario's config, whichever executor it names. */
export const scenarioSchema = z.discriminatedUnion(
  'executor',
  EXECUTORS.map((e) => e.schema) as unknown as SchemasOf<typeof EXECUTORS>,
);
export type ScenarioConfig = z.infer<typeof scenarioSchema>;
export type Scenario = ScenarioConfig & { name: string };

/** The k6 names of the executors there are. */
export const EXECUTOR_NAMES: readonly string[] = EXECUTORS.map(
  (e) => e.schema.shape.executor.value,
);

type AnyExecutor = Executor<z.ZodObject<{ executor: z.ZodLiteral<string> }>>;
const byName = new Map<string, AnyExecutor>(
  EXECUTORS.map((e) => [e.schema.shape.executor.value, e as unknown as AnyExecutor]),
);

/** The definition of the executor a (parsed) scenario names. */
function executorOf(s: { executor: string }): AnyExecutor {
  return byName.get(s.executor)!;
}

/** A problem with the scenario's config beyond its schema, or undefined. */
export const validateScenario = (s: Scenario): string | undefined => executorOf(s).validate?.(s);
/** VUs the scenario initialises before the test starts, in this instance's segment. */
export const initialVus = (s: Scenario, tuple: ExecutionTuple): number =>
  executorOf(s).initialVus(s, tuple);
/** The most VUs the scenario may grow to in this instance's segment. */
export const mostVus = (s: Scenario, tuple: ExecutionTuple): number =>
  executorOf(s).mostVus?.(s, tuple) ?? executorOf(s).initialVus(s, tuple);
/** Whether this instance's segment of the scenario has anything to run. */
export const hasWork = (s: Scenario, tuple: ExecutionTuple): boolean =>
  executorOf(s).hasWork(s, tuple);
/** Which of the scenario's iterations are this instance's (exec.scenario.iterationInTest). */
export const iterationStripe = (s: Scenario, tuple: ExecutionTuple): Stripe =>
  executorOf(s).iterationStripe?.(s, tuple) ?? tuple.stripe;
/** The scenario's planned length in ms (exec.scenario.progress). */
export const plannedMs = (s: Scenario): number => executorOf(s).plannedMs(s);
/** Runs the scenario's schedule to its end (or the stop signal). */
export const runExecutor = (ctx: ExecutorContext<Scenario>): Promise<void> =>
  executorOf(ctx.scenario).run(ctx);
