// Prometheus answers before any load: `loadgate run` asks it `vector(1)`
// (auth and TLS as the SLO check will use them) and stops with exit 3 in
// seconds when it cannot, instead of loading for minutes to find out.
import { PrometheusClient, QueryError, type PrometheusAuth } from './prometheus.ts';
import { EXIT, ExitError, InfrastructureError } from '../core/errors.ts';
import { redactUrl } from '../core/urls.ts';

const TIMEOUT_MS = 5000;

/** Resolves when Prometheus at `url` answers `vector(1)` with 1; else an InfrastructureError (3). */
export async function checkPrometheus(
  url: string,
  auth: PrometheusAuth,
  /** What the user can do about it: the flag it came from, e.g. `--prometheus`. */
  flag: string,
): Promise<void> {
  const client = new PrometheusClient({ ...auth, url, timeoutMs: TIMEOUT_MS, retries: 0 });
  const hint = `Nothing was loaded. Check ${flag} ${redactUrl(url)} (it is the Prometheus API's base URL), the credentials (--bearer-token, --basic-auth, --header, --ca-file), or run with --no-slo to load without a verdict`;
  try {
    const answer = await client.query('vector(1)', new Date());
    const value = answer.series[0]?.points[0]?.[1];
    if (value !== 1)
      throw new InfrastructureError(
        `Prometheus at ${redactUrl(url)} answered vector(1) with ${JSON.stringify(value ?? null)}, not 1`,
        hint,
      );
  } catch (error) {
    if (error instanceof QueryError || (error instanceof ExitError && error.code !== EXIT.badInput))
      throw new InfrastructureError(
        `Prometheus at ${redactUrl(url)} does not answer a query (vector(1)): ${reasonOf(error)}`,
        hint,
      );
    throw error;
  } finally {
    await client.close();
  }
}

/** The client's message without its generic advice ("…or pass --prometheus URL"), which was passed. */
function reasonOf(error: Error): string {
  return error.message.replace(/: start it or pass --prometheus URL$/, '');
}
