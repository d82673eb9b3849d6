/** Free loopback ports for broker listeners. */
import { createServer } from 'node:net';
import { PortTakenError } from './errors.js';

/** Loopback address every listener binds and advertises (avoids `localhost` resolving to ::1). */
export const LOOPBACK = '127.0.0.1';

/** Asks the OS for a free port by binding port 0, then releases it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('the OS returned no port'))));
    });
  });
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Throws {@link PortTakenError} when something already listens on `port`. */
export function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortTakenError(port) : err));
    server.listen(port, LOOPBACK, () => server.close(() => resolve()));
  });
}
