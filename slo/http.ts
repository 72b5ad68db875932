// The one way the SLO checker's API clients (the Prometheus API, the
// Pushgateway) reach a server: undici, through the proxy the environment
// names (HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as curl reads them), with the
// CA and TLS settings of the endpoint applied both to a direct connection and
// to one tunnelled through the proxy. Users reach Prometheus through
// corporate proxies; undici tunnels https targets with CONNECT, so nothing
// but the tunnel is shown to the proxy.
import { readFileSync } from 'node:fs';
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { InputError } from '../core/errors.ts';

export type EndpointTls = {
  /** PEM file of a CA to trust, beside the system ones. */
  caFile?: string;
  /** Skip TLS verification (self-signed lab setups). */
  insecure?: boolean;
};

/** A dispatcher for one endpoint: its TLS settings, the environment's proxy, `connections` at most. */
export function endpointDispatcher(tls: EndpointTls, connections = 8): Dispatcher {
  let ca: string | undefined;
  if (tls.caFile) {
    try {
      ca = readFileSync(tls.caFile, 'utf8');
    } catch (error) {
      throw new InputError(
        `cannot read --ca-file ${tls.caFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  }
  const connect = { ...(ca && { ca }), rejectUnauthorized: !tls.insecure };
  return new EnvHttpProxyAgent({ connections, connect, requestTls: connect });
}
