import { now, type Db } from './db.ts';
import { serviceLabel, countDbError, ordersTotal } from './metrics.ts';

/**
 * The order queue: a table in the shared SQLite file stands in for RabbitMQ.
 * Every worker runs one competing consumer; a claim (confirm the orders,
 * delete their messages) is one `BEGIN IMMEDIATE` transaction, so two workers
 * never confirm the same message. A message is consumed once it is
 * `delayMs` old, which simulates the downstream service's processing time.
 */
export class OrderQueue {
  paused = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly enqueueStmt;
  private readonly readyCount;
  private readonly anyDue;
  private readonly consumeTx;

  constructor(
    db: Db,
    private readonly delayMs: number,
  ) {
    this.enqueueStmt = db.prepare<[number, number]>(
      'INSERT INTO order_queue (order_id, enqueued_at_ms) VALUES (?, ?)',
    );
    this.readyCount = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM order_queue');
    this.anyDue = db.prepare<[number], { id: number }>(
      'SELECT id FROM order_queue WHERE enqueued_at_ms <= ? LIMIT 1',
    );
    const due = db.prepare<[number], { id: number; order_id: number }>(
      'SELECT id, order_id FROM order_queue WHERE enqueued_at_ms <= ? ORDER BY id LIMIT 100',
    );
    const confirm = db.prepare<[string, number]>(
      "UPDATE orders SET status = 'confirmed', confirmed_at = ? WHERE id = ? AND status = 'pending'",
    );
    const ack = db.prepare<[number]>('DELETE FROM order_queue WHERE id = ?');
    this.consumeTx = db.transaction((cutoff: number): number => {
      let confirmed = 0;
      const at = now();
      for (const message of due.all(cutoff)) {
        confirmed += confirm.run(at, message.order_id).changes;
        ack.run(message.id);
      }
      return confirmed;
    });
  }

  /** Publish "order placed"; call inside the transaction that creates the order. */
  enqueue(orderId: number): void {
    this.enqueueStmt.run(orderId, Date.now());
  }

  /** Messages not yet consumed (all of them are "ready": there is no unacked state). */
  ready(): number {
    return this.readyCount.get()?.n ?? 0;
  }

  start(): void {
    // Poll often enough that confirmation lands close to `delayMs`, without spinning.
    const every = Math.min(100, Math.max(10, Math.floor(this.delayMs / 5)));
    this.timer = setInterval(() => this.consume(), every);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One consumer pass; returns how many orders it confirmed. */
  consume(): number {
    if (this.paused) return 0;
    try {
      const cutoff = Date.now() - this.delayMs;
      // Cheap read first: only take the write lock when there is work.
      if (!this.anyDue.get(cutoff)) return 0;
      const confirmed = this.consumeTx.immediate(cutoff);
      if (confirmed > 0)
        ordersTotal.labels({ service: serviceLabel(), status: 'confirmed' }).inc(confirmed);
      return confirmed;
    } catch (err) {
      // A busy database must not kill the consumer: count it and retry next tick.
      countDbError(err);
      console.error(`[gateway] order consumer: ${(err as Error).message}`);
      return 0;
    }
  }
}
