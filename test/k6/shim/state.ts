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

export const state = {
  requests: [] as ShimRequest[],
  checks: [] as ShimCheck[],
  sleeps: [] as number[],
  samples: {} as Record<string, number[]>,
  groups: [] as string[],
  respond: (() => ({ status: 404, body: { message: 'no responder' } })) as Responder,
};

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
