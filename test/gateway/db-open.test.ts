// Gateway pods start at once on one data dir: a worker opening the SQLite file
// while another holds its write lock (seeding it) waits for the lock, instead
// of crashing on SQLITE_BUSY (seen: a pod that exited 1 at start under load).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, expect, it } from 'vitest';
import { DB_FILE, openDatabase } from '../../infra/local/gateway/db.ts';

const SQLITE = createRequire(import.meta.url).resolve('better-sqlite3');

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("waits for another worker's write lock when it switches the file to WAL", async () => {
  dir = mkdtempSync(join(tmpdir(), 'loadgate-db-open-'));
  // Another connection, on its own thread, holds the write lock for 300 ms.
  const holder = new Worker(
    `const Database = require(${JSON.stringify(SQLITE)});
     const { parentPort, workerData } = require('node:worker_threads');
     const db = new Database(workerData);
     db.exec('CREATE TABLE IF NOT EXISTS held (x)');
     db.exec('BEGIN IMMEDIATE');
     db.exec('INSERT INTO held VALUES (1)');
     parentPort.postMessage('locked');
     setTimeout(() => { db.exec('COMMIT'); db.close(); parentPort.postMessage('released'); }, 300);`,
    { eval: true, workerData: join(dir, DB_FILE) },
  );
  await new Promise((resolve) => holder.once('message', resolve));
  const db = openDatabase(dir, 4);
  try {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const products = db.prepare('SELECT count(*) AS n FROM products').get() as { n: number };
    expect(products.n).toBeGreaterThan(0);
  } finally {
    db.close();
    await holder.terminate();
  }
});
