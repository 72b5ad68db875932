import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Whether openssl is installed (`.ci/run` installs it); https tests skip visibly without it. */
export const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A throwaway self-signed certificate for 127.0.0.1, written into `dir`. */
export function selfSignedCert(dir: string): { keyPath: string; certPath: string } {
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'],
      ...['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      ...['-keyout', keyPath, '-out', certPath],
    ],
    { stdio: 'ignore' },
  );
  return { keyPath, certPath };
}
