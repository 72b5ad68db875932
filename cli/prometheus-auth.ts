// How `loadgate run` and `loadgate slo check` authenticate to Prometheus: the
// same flags for both, each also read from an environment variable so that a
// secret can stay out of shell history and CI logs. A `--prometheus` URL's
// user-info is basic auth too (slo/prometheus.ts); nothing here is ever printed.
import { readFile } from 'node:fs/promises';
import { parsePairs } from './args.ts';
import { InputError } from '../core/errors.ts';
import type { PrometheusAuth } from '../slo/prometheus.ts';

export const PROMETHEUS_AUTH_OPTIONS = {
  'bearer-token': { type: 'string' },
  'bearer-token-file': { type: 'string' },
  'basic-auth': { type: 'string' },
  header: { type: 'string', multiple: true },
  'ca-file': { type: 'string' },
  insecure: { type: 'boolean' },
} as const;

/** The lines of a command's usage that describe them. */
export const PROMETHEUS_AUTH_USAGE = `  --bearer-token TOKEN   or --bearer-token-file FILE, or $PROMETHEUS_TOKEN / $PROMETHEUS_TOKEN_FILE
  --basic-auth USER:PASS or $PROMETHEUS_BASIC_AUTH, or user-info in the URL (https://user:pass@host)
  --header NAME=VALUE    extra header (repeatable), e.g. X-Scope-OrgID=tenant; or $PROMETHEUS_HEADERS
                         (NAME=VALUE lines)
  --ca-file FILE         PEM CA to trust, or $PROMETHEUS_CA_FILE
  --insecure             skip TLS verification, or PROMETHEUS_INSECURE=1`;

export type PrometheusAuthValues = {
  'bearer-token'?: string;
  'bearer-token-file'?: string;
  'basic-auth'?: string;
  header?: string[];
  'ca-file'?: string;
  insecure?: boolean;
};

/** Flags first, then the environment; a bad value is an InputError that never echoes a secret. */
export async function prometheusAuth(
  values: PrometheusAuthValues,
  env: NodeJS.ProcessEnv = process.env,
): Promise<PrometheusAuth> {
  // Flags before the environment; within each, a token file before a token.
  const tokenFile =
    values['bearer-token-file'] ??
    (values['bearer-token'] === undefined ? env.PROMETHEUS_TOKEN_FILE : undefined);
  let bearerToken = values['bearer-token'] ?? env.PROMETHEUS_TOKEN;
  if (tokenFile) {
    try {
      bearerToken = (await readFile(tokenFile, 'utf8')).trim();
    } catch (error) {
      throw new InputError(
        `cannot read the bearer token file ${tokenFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  }
  const basicAuth = values['basic-auth'] ?? env.PROMETHEUS_BASIC_AUTH;
  if (basicAuth !== undefined && !basicAuth.includes(':'))
    throw new InputError('--basic-auth (or PROMETHEUS_BASIC_AUTH) expects USER:PASSWORD');
  const envHeaders = (env.PROMETHEUS_HEADERS ?? '').split('\n').filter((l) => l.trim());
  const headers = {
    ...parsePairs(envHeaders, 'PROMETHEUS_HEADERS', { key: 'NAME', secret: true }),
    ...parsePairs(values.header, '--header', { key: 'NAME', secret: true }),
  };
  const insecure = values.insecure || ['1', 'true'].includes(env.PROMETHEUS_INSECURE ?? '');
  return {
    ...(bearerToken && { bearerToken }),
    ...(basicAuth && { basicAuth }),
    ...(Object.keys(headers).length > 0 && { headers }),
    ...((values['ca-file'] ?? env.PROMETHEUS_CA_FILE) && {
      caFile: values['ca-file'] ?? env.PROMETHEUS_CA_FILE,
    }),
    ...(insecure && { insecure }),
  };
}
