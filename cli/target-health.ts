// The target answers before any load: `loadgate run` asks the gateway's
// health endpoint (one request) and stops with exit 3 in seconds when it is
// down, instead of starting the engine against nothing.
import { GATEWAY_HEALTH_PATH } from '../lib/catalogue.ts';
import { InfrastructureError } from '../core/errors.ts';
import { basicAuthorization, redactUrl, splitCredentials } from '../core/urls.ts';

const TIMEOUT_MS = 5000;

/** Node's codes for a certificate chain it does not trust (a private CA, a self-signed gateway). */
const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Resolves when GET <target>/health answers 2xx within 5 s; else an InfrastructureError (3). */
export async function checkTargetHealth(target: string): Promise<void> {
  const { url, basicAuth } = splitCredentials(target);
  const at = `${redactUrl(target)}${GATEWAY_HEALTH_PATH}`;
  let status: number;
  try {
    const res = await fetch(`${url}${GATEWAY_HEALTH_PATH}`, {
      signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: basicAuth ? { authorization: basicAuthorization(basicAuth) } : {},
    });
    status = res.status;
    await res.body?.cancel();
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${TIMEOUT_MS / 1000} s`
        : (cause?.code ?? cause?.message ?? (error as Error).message);
    if (cause?.code && UNTRUSTED_CERTIFICATE.has(cause.code))
      throw new InfrastructureError(
        `the target's TLS certificate is not trusted: GET ${at}: ${cause.code}`,
        'Nothing was loaded. The journeys verify TLS as k6 does, so every request would fail too: give its CA to both engines, NODE_EXTRA_CA_CERTS=ca.pem (the built-in engine) and SSL_CERT_FILE=ca.pem (real k6)',
      );
    throw new InfrastructureError(
      `the target does not answer: GET ${at}: ${why}`,
      'Nothing was loaded. Check --target (scheme, host, port) and that the gateway is up',
    );
  }
  if (status < 200 || status >= 300)
    throw new InfrastructureError(
      `the target is not healthy: GET ${at} answered ${status}`,
      'Nothing was loaded. A gateway that is not healthy would fail every journey',
    );
}
