// One customer account per VU, signed in on the VU's first iteration and kept
// for the next ones (module state lives in each VU's own runtime).
import exec from 'k6/execution';
import { uniqueEmail, uuidv4, type UserCredentials } from './data.ts';
import type { Gateway, Response } from './gateway.ts';

let token: string | undefined;

/**
 * The client authenticated as this VU's customer: a user of USERS_FILE when
 * given (VU n takes line n, wrapping), else a freshly registered one.
 * Undefined when signing in failed (the failed check is already recorded).
 */
export function signIn(gw: Gateway, users?: readonly UserCredentials[]): Gateway | undefined {
  if (!token) {
    if (users && users.length > 0) {
      const user = users[(__VU - 1) % users.length] as UserCredentials;
      token = gw.login(user).data?.token;
    } else {
      // idInTest, not __VU: __VU restarts at 1 in each instance of a split test
      // (k6-operator's pods, --runners), which share the run id.
      const email = uniqueEmail(gw.runId, exec.vu.idInTest, __ITER);
      token = gw.register({ name: `Load Test ${__VU}`, email, password: uuidv4() }).data?.token;
    }
  }
  return token ? gw.as(token) : undefined;
}

/** Forget the token when the gateway stops accepting it (expired JWT on a long soak). */
export function signOutOn401(res: Response): void {
  if (res.status === 401) token = undefined;
}
