// What the k6 shim saw, for assertions. Reset between tests with reset().

export interface ShimRequest {
  method: string;
  url: string;
  body: unknown;
  headers: Record<string, string>;
  tags: Record<string, string>;
  expected: number[] | undefined;
}
export interface ShimResponse {
  status: number;
  body?: unknown;
  error?: string;
}
export interface ShimCheck {
  name: string;
  ok: boolean;
  group: string;
}

type Responder = (req: ShimRequest) => ShimResponse;

interface ShimState {
  requests: ShimRequest[];
  checks: ShimCheck[];
  sleeps: number[];
  samples: Record<string, number[]>;
  groups: string[];
  respond: Responder;
}

// On globalThis so that it survives vi.resetModules() (tests reload lib/ to get fresh VU state).
const holder = globalThis as { __k6Shim?: ShimState };
export const state: ShimState = (holder.__k6Shim ??= {
  requests: [],
  checks: [],
  sleeps: [],
  samples: {},
  groups: [],
  respond: () => ({ status: 404, body: { message: 'no responder' } }),
});

export function reset(respond?: Responder): void {
  state.requests = [];
  state.checks = [];
  state.sleeps = [];
  state.samples = {};
  state.groups = [];
  if (respond) state.respond = respond;
}

/** Names of the checks that failed. */
export function failedChecks(): string[] {
  return state.checks.filter((c) => !c.ok).map((c) => `${c.group} › ${c.name}`);
}
