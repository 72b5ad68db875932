// Test data: unique identities, search terms, pre-provisioned users, ids.
import { SharedArray } from 'k6/data';

/** Unique per run, VU (exec.vu.idInTest) and iteration, so no two requests ever collide on an e-mail. */
export function uniqueEmail(runId: string, vu: number, iter: number): string {
  return `loadtest+${runId}-${vu}-${iter}@example.test`;
}

/** RFC 4122 version 4 UUID (Idempotency-Key); k6/crypto is avoided on purpose. */
export function uuidv4(random: () => number = Math.random): string {
  const hex: string[] = [];
  for (let i = 0; i < 32; i++) hex.push(Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** A run id when RUN_ID is not given: sortable, short, lower case (it ends up in e-mails), e.g. `lg-20250101t120000-x7k2`. */
export function generateRunId(now: Date = new Date(), random: () => number = Math.random): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15).toLowerCase();
  const suffix = Math.floor(random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');
  return `lg-${stamp}-${suffix}`;
}

export function pick<T>(items: readonly T[], random: () => number = Math.random): T {
  if (items.length === 0) throw new Error('pick() from an empty list');
  return items[Math.floor(random() * items.length)] as T;
}

// One copy for all VUs (SharedArray), built in the init context.
export const searchTerms = new SharedArray('search terms', () => [
  'chair',
  'lamp',
  'shirt',
  'coffee',
  'phone',
  'book',
  'bag',
  'watch',
  'shoe',
  'table',
  'garden',
  'kids',
]);

export interface UserCredentials {
  email: string;
  password: string;
}

/** `email,password` lines; a header line and blank lines are skipped. Throws naming the line. */
export function parseUsersCsv(text: string, source = 'USERS_FILE'): UserCredentials[] {
  const users: UserCredentials[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || /^email\s*,\s*password$/i.test(trimmed)) return;
    const [email, password, ...rest] = trimmed.split(',').map((cell) => cell.trim());
    if (!email || !password || rest.length > 0 || !email.includes('@')) {
      throw new Error(`${source} line ${index + 1}: expected "email,password", got "${trimmed}"`);
    }
    users.push({ email, password });
  });
  if (users.length === 0)
    throw new Error(`${source} holds no users (expected "email,password" lines)`);
  return users;
}

/** Users of USERS_FILE, read once in the init context and shared by all VUs. */
export function loadUsers(path: string): UserCredentials[] {
  return new SharedArray('users', () =>
    parseUsersCsv(open(path), `USERS_FILE ${path}`),
  ) as UserCredentials[];
}
