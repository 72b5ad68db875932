import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startPrometheus } from '../../infra/local/prometheus.ts';

describe('startPrometheus', () => {
  it('runs the real server on loopback, answers queries, and stops cleanly', async () => {
    const prometheus = await startPrometheus({ config: 'global:\n  scrape_interval: 1s\n' });
    try {
      expect(prometheus.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${prometheus.url}/api/v1/query?query=vector(42)`);
      const body = (await response.json()) as { data: { result: { value: [number, string] }[] } };
      expect(body.data.result[0]?.value[1]).toBe('42');
    } finally {
      await prometheus.stop();
    }
    await expect(fetch(`${prometheus.url}/-/ready`)).rejects.toThrow();
  });

  it('says how to install it when the binary is missing (exit 3)', async () => {
    await expect(
      startPrometheus({ config: '', binary: '/nonexistent/prometheus' }),
    ).rejects.toMatchObject({
      code: 3,
      message: expect.stringContaining('could not start /nonexistent/prometheus'),
      hint: expect.stringContaining('apt-get install prometheus'),
    });
  });

  it('reports a config Prometheus rejects, with its own message', async () => {
    await expect(startPrometheus({ config: 'global: [not, a, map]\n' })).rejects.toThrow(
      /exited with code/,
    );
  });

  it('dies with the process that started it, even on kill -9 (no orphan Prometheus)', async () => {
    const owner = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { startPrometheus } = await import(${JSON.stringify(new URL('../../infra/local/prometheus.ts', import.meta.url).href)});
         const p = await startPrometheus({ config: '' });
         console.log(p.url);
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const [line] = (await once(owner.stdout!, 'data')) as [Buffer];
    const url = line.toString().trim();
    expect((await fetch(`${url}/-/ready`)).ok).toBe(true);

    owner.kill('SIGKILL');
    await once(owner, 'exit');
    // The parent-death signal reaches Prometheus; give it a moment to shut down.
    let alive = true;
    for (let i = 0; i < 100 && alive; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      alive = await fetch(`${url}/-/ready`).then(
        () => true,
        () => false,
      );
    }
    expect(alive).toBe(false);
  });
});
