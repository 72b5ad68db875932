// Whether a target is this machine: the safety gate of `loadgate run` lets
// only such targets (and the smoke profile anywhere) load without --yes.
// Decision: a target is loopback only when every address its host resolves
// to is a loopback address (127.0.0.0/8, ::1); an IP literal resolves to
// itself. So `localhost` and a name /etc/hosts maps to 127.0.0.1 only count
// as loopback (they cannot reach another machine), while a name that also
// or only resolves elsewhere, or does not resolve at all, counts as remote.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export type Lookup = (host: string) => Promise<string[]>;

const systemLookup: Lookup = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

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

/** True when the URL's host is, and resolves only to, loopback addresses. */
export async function isLoopbackTarget(
  url: string,
  lookup: Lookup = systemLookup,
): Promise<boolean> {
  if (process.env[TEST_OVERRIDE] === '1') return false;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return isLoopbackAddress(host);
  const addresses = await lookup(host).catch(() => []);
  return addresses.length > 0 && addresses.every(isLoopbackAddress);
}
