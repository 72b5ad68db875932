// Whether a target is this machine: the safety gate of `loadgate run` lets
// only such targets (and the smoke profile anywhere) load without --yes.
// Decision: by what the user typed, never by what DNS answers. A target is
// loopback only when its host is a loopback address (127.0.0.0/8, ::1) or
// `localhost` (RFC 6761 reserves it, and `*.localhost`, for this machine).
// Any other name is remote, even one that resolves to 127.0.0.1 today: a
// name such as gateway.staging.example means a shared environment, its
// resolution differs from machine to machine, and a gate must not open
// because a resolver (or /etc/hosts) says so.
import { isIP } from 'node:net';

/**
 * Test-only: LOADGATE_GATE_LOOPBACK_IS_REMOTE=1 makes the gate treat every
 * target as remote, so tests can prove it with a server on 127.0.0.1.
 */
const TEST_OVERRIDE = 'LOADGATE_GATE_LOOPBACK_IS_REMOTE';

export function isLoopbackAddress(address: string): boolean {
  if (isIP(address) === 4) return address.split('.')[0] === '127';
  const v6 = address.toLowerCase();
  if (v6 === '::1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6);
  return mapped ? isLoopbackAddress(mapped[1]!) : false;
}

/** True when the URL's host is a loopback address or `localhost`. */
export async function isLoopbackTarget(url: string): Promise<boolean> {
  if (process.env[TEST_OVERRIDE] === '1') return false;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(host)) return isLoopbackAddress(host);
  return host === 'localhost' || host.endsWith('.localhost');
}
