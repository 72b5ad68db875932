import { describe, expect, it, vi } from 'vitest';

vi.mock('k6', () => import('./shim/k6.ts'));
vi.mock('k6/data', () => import('./shim/data.ts'));

const { generateRunId, parseUsersCsv, pick, searchTerms, uniqueEmail, uuidv4 } =
  await import('../../lib/data.ts');

describe('test data', () => {
  it('gives every VU and iteration its own e-mail', () => {
    const emails = new Set<string>();
    for (let vu = 1; vu <= 20; vu++)
      for (let iter = 0; iter < 20; iter++) emails.add(uniqueEmail('run1', vu, iter));
    expect(emails.size).toBe(400);
    expect(uniqueEmail('run1', 12, 3)).toBe('loadtest+run1-12-3@example.test');
  });
  it('search terms are a shared array', () => {
    expect(searchTerms.length).toBeGreaterThan(5);
  });
  it('pick', () => {
    expect(pick([1, 2, 3], () => 0.99)).toBe(3);
    expect(() => pick([])).toThrow(/empty/);
  });
  it('uuidv4', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => uuidv4()));
    expect(ids.size).toBe(1000);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
  it('generateRunId', () => {
    expect(generateRunId(new Date('2025-03-04T05:06:07Z'), () => 0)).toBe(
      'lg-20250304t050607-0000',
    );
  });
  it('parseUsersCsv', () => {
    expect(parseUsersCsv('email,password\n\na@x.test,secret-1\r\nb@x.test , secret-2\n')).toEqual([
      { email: 'a@x.test', password: 'secret-1' },
      { email: 'b@x.test', password: 'secret-2' },
    ]);
    expect(() => parseUsersCsv('a@x.test,p\nbroken')).toThrow(
      'USERS_FILE line 2: expected "email,password", got "broken"',
    );
    expect(() => parseUsersCsv('email,password\n')).toThrow(/no users/);
  });
});
