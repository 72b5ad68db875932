import Database from 'better-sqlite3';
import bcrypt from 'bcryptjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { countDbError } from './metrics.ts';
import { DEMO_USER, PROMO_CODES, seedCategories, seedProducts } from './seed.ts';

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS categories (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, slug TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS products (
  id INTEGER PRIMARY KEY, category_id INTEGER NOT NULL REFERENCES categories(id),
  name TEXT NOT NULL, slug TEXT NOT NULL UNIQUE, description TEXT NOT NULL,
  price_cents INTEGER NOT NULL, stock INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS products_category ON products(category_id);
CREATE TABLE IF NOT EXISTS promo_codes (
  code TEXT PRIMARY KEY, percent_off INTEGER, amount_off_cents INTEGER);
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS baskets (
  id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
  promo_code TEXT REFERENCES promo_codes(code), created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS basket_items (
  id INTEGER PRIMARY KEY, basket_id INTEGER NOT NULL REFERENCES baskets(id),
  product_id INTEGER NOT NULL REFERENCES products(id), quantity INTEGER NOT NULL,
  UNIQUE (basket_id, product_id));
CREATE TABLE IF NOT EXISTS addresses (
  id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
  line1 TEXT NOT NULL, city TEXT NOT NULL, postal_code TEXT NOT NULL, country TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
  id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
  basket_id INTEGER NOT NULL, address_id INTEGER NOT NULL, payment_method TEXT NOT NULL,
  total_cents INTEGER NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, confirmed_at TEXT);
CREATE TABLE IF NOT EXISTS order_idempotency (
  user_id INTEGER NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
  order_id INTEGER NOT NULL, PRIMARY KEY (user_id, key)) WITHOUT ROWID;
-- The message broker: one row per unacknowledged "order placed" message.
CREATE TABLE IF NOT EXISTS order_queue (
  id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, enqueued_at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sav_tickets (
  id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
  subject TEXT NOT NULL, message TEXT NOT NULL, order_id INTEGER, status TEXT NOT NULL,
  filename TEXT NOT NULL, mime_type TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
  stored_name TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS newsletter_subscriptions (
  id INTEGER PRIMARY KEY, email TEXT NOT NULL, list TEXT NOT NULL, token TEXT NOT NULL,
  created_at TEXT NOT NULL, UNIQUE (email, list));
`;

export const DB_FILE = 'gateway.sqlite';

/**
 * Open (creating and seeding if needed) the SQLite file shared by every
 * worker. WAL lets readers run beside the one writer; busy_timeout makes a
 * worker wait for the lock instead of failing. Schema and seed run in one
 * `BEGIN IMMEDIATE` transaction: when several workers start at once, the
 * first takes the write lock and seeds, the others wait and find it done.
 */
export function openDatabase(dataDir: string, bcryptCost: number, busyTimeoutMs = 5_000): Db {
  mkdirSync(dataDir, { recursive: true });
  let db: Db | undefined;
  try {
    db = new Database(join(dataDir, DB_FILE));
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    walMode(db, busyTimeoutMs);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    const conn = db;
    conn
      .transaction(() => {
        conn.exec(SCHEMA);
        migrate(conn);
        seed(conn, bcryptCost);
      })
      .immediate();
    return db;
  } catch (err) {
    countDbError(err);
    db?.close();
    throw err;
  }
}

/**
 * Switches the file to WAL. That takes an exclusive lock, and while another
 * worker holds the write lock (seeding a new data dir, as pods starting at
 * once do) SQLite answers SQLITE_BUSY at once, without waiting out
 * busy_timeout (a worker that waited there could deadlock). So wait here,
 * as long as busy_timeout would.
 */
function walMode(db: Db, busyTimeoutMs: number): void {
  const deadline = Date.now() + busyTimeoutMs;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

/** Columns added since a data dir (--data-dir) may have been created. */
function migrate(db: Db): void {
  const columns = db.pragma('table_info(newsletter_subscriptions)') as { name: string }[];
  // Older subscriptions get no token: nobody can read or delete them through the API.
  if (!columns.some((c) => c.name === 'token'))
    db.exec("ALTER TABLE newsletter_subscriptions ADD COLUMN token TEXT NOT NULL DEFAULT ''");
}

function seed(db: Db, bcryptCost: number): void {
  const seeded = db.prepare('SELECT count(*) AS n FROM products').get() as { n: number };
  if (seeded.n > 0) return;
  const category = db.prepare('INSERT INTO categories (id, name, slug) VALUES (?, ?, ?)');
  for (const c of seedCategories()) category.run(c.id, c.name, c.slug);
  const product = db.prepare(
    `INSERT INTO products (id, category_id, name, slug, description, price_cents, stock)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const p of seedProducts()) {
    product.run(p.id, p.categoryId, p.name, p.slug, p.description, p.priceCents, p.stock);
  }
  const promo = db.prepare(
    'INSERT OR IGNORE INTO promo_codes (code, percent_off, amount_off_cents) VALUES (?, ?, ?)',
  );
  for (const p of PROMO_CODES) promo.run(p.code, p.percentOff, p.amountOffCents);
  db.prepare(
    'INSERT OR IGNORE INTO users (name, email, password_hash, created_at) VALUES (?, ?, ?, ?)',
  ).run(DEMO_USER.name, DEMO_USER.email, bcrypt.hashSync(DEMO_USER.password, bcryptCost), now());
}

export function now(): string {
  return new Date().toISOString();
}
