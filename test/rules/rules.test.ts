import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The platform's alert and recording rules (infra/prometheus/rules/) pass
 * `promtool check rules` and their `promtool test rules` unit tests, and
 * every alert has a test where it fires and one where it stays quiet.
 */

const run = promisify(execFile);
const root = join(import.meta.dirname, '../../infra/prometheus');
const promtool = process.env.PROMTOOL_BIN ?? 'promtool';

async function yamlFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.yml')).map((f) => join(dir, f));
}

type RuleFile = { groups: { rules: { alert?: string; record?: string }[] }[] };
type TestFile = {
  tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
};

describe('Prometheus rules', () => {
  it('pass promtool check rules', async () => {
    const files = await yamlFiles(join(root, 'rules'));
    expect(files.length).toBeGreaterThan(0);
    const { stdout } = await run(promtool, ['check', 'rules', ...files]);
    expect(stdout).toMatch(/SUCCESS/);
  });

  it('pass their promtool unit tests', async () => {
    const files = await yamlFiles(join(root, 'tests'));
    // promtool resolves rule_files against the test file's directory.
    const result = await run(promtool, ['test', 'rules', ...files]).catch(
      (error: { stdout: string; stderr: string }) => error,
    );
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/FAILED/);
    expect(result.stdout.match(/SUCCESS/g)).toHaveLength(files.length);
  });

  it('test every alert firing and quiet', async () => {
    const alerts = new Set<string>();
    for (const file of await yamlFiles(join(root, 'rules'))) {
      const rules = parse(await readFile(file, 'utf8')) as RuleFile;
      for (const group of rules.groups)
        for (const r of group.rules) if (r.alert) alerts.add(r.alert);
    }
    const firing = new Set<string>();
    const quiet = new Set<string>();
    for (const file of await yamlFiles(join(root, 'tests'))) {
      const tests = parse(await readFile(file, 'utf8')) as TestFile;
      for (const t of tests.tests) {
        for (const a of t.alert_rule_test ?? []) {
          (a.exp_alerts?.length ? firing : quiet).add(a.alertname);
        }
      }
    }
    expect([...alerts].sort()).toEqual([
      'DatabaseConnectionFailures',
      'HighApiResponseTime',
      'HighErrorRate',
      'HighMemoryUsage',
      'PodCrashLooping',
      'RabbitMQQueueBacklog',
    ]);
    for (const alert of alerts) {
      expect(firing, `${alert} has a firing case`).toContain(alert);
      expect(quiet, `${alert} has a quiet case`).toContain(alert);
    }
  });
});
