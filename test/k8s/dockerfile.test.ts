// The image cannot be built here (no Docker engine); what the manifests rely
// on is checked in the Dockerfile itself: a numeric non-root user (runAsNonRoot
// can only verify a number), the k6 binary from grafana/k6, `loadgate` as the
// entrypoint the CronJob's and the hook's args follow, and what it reads at run time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../infra/k8s/paths.ts';

const lines = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'));
const last = (instruction: string) => lines.filter((l) => l.startsWith(`${instruction} `)).at(-1);

describe('Dockerfile', () => {
  it('runs as a numeric non-root user, the one the pod templates name', () => {
    expect(last('USER')).toBe('USER 10001:10001');
    const cron = readFileSync(join(ROOT, 'infra/k8s/base/cronjob.yaml'), 'utf8');
    expect(cron).toMatch(/runAsUser: 10001/);
  });

  it('copies k6 from the official grafana/k6 image and builds on Node 20', () => {
    expect(lines).toContain('FROM grafana/k6:1.0.0 AS k6');
    expect(lines.some((l) => /^COPY --from=k6 \/usr\/bin\/k6 /.test(l))).toBe(true);
    expect(lines.filter((l) => l.startsWith('FROM node:20'))).toHaveLength(2);
    expect(lines).toContain('RUN npm ci --omit=dev --no-audit --no-fund');
  });

  it('bakes in the bundles, the SLO specs and the rules, with loadgate as entrypoint', () => {
    for (const dir of ['k6-bundles/', 'slo/', 'infra/'])
      expect(lines).toContain(`COPY ${dir} ${dir}`);
    expect(last('ENTRYPOINT')).toBe('ENTRYPOINT ["loadgate"]');
  });
});
