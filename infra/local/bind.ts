// A port of the local platform that cannot be bound is infrastructure (exit
// 3), said in one line naming the port and the flag, not a Node stack: the
// shared helper of platform.ts's listeners and the check made before its
// gateway workers (which would otherwise each die on EADDRINUSE) start.
import { createServer } from 'node:net';
import { InfrastructureError } from '../../core/errors.ts';

/** `error` as an InfrastructureError when it is a bind failure (in use, not permitted); else itself. */
export function bindError(error: unknown, port: number, what: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'EADDRINUSE' && code !== 'EACCES') return error;
  return new InfrastructureError(
    `the local platform's ${what} cannot listen on 127.0.0.1:${port}: ${code === 'EADDRINUSE' ? 'the port is already in use' : 'permission denied'}`,
    'Pick another port, or leave it out to get a free one',
  );
}

/** Resolves when 127.0.0.1:`port` can be bound right now (it is released again at once). */
export function assertPortFree(port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error) => reject(bindError(error, port, what)));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}
