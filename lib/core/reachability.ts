import { connect } from 'node:net';

/** Brokers to check over TCP before a kafkajs `connect()`, and how long each may take to answer. */
export interface ReachabilityProbe {
  /** `host:port` addresses. */
  readonly brokers: readonly string[];
  /** Per-broker limit, ms (the client's `connectionTimeout`). */
  readonly timeoutMs: number;
}

/**
 * Resolves as soon as one of `brokers` (`host:port`) accepts a TCP connection, and rejects when
 * none does within `timeoutMs`. The sockets are closed at once either way.
 *
 * Why: a kafkajs `connect()` against brokers that are all down retries internally for several
 * seconds (its own client-level back-off) and cannot be cancelled. Probing first keeps each
 * initialisation attempt short, so the `getRetryTime` schedule is the one really followed, and
 * `close()` leaves no kafkajs retry timers behind.
 */
export function reachAnyBroker(brokers: readonly string[], timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let pending = brokers.length;
    const failures: string[] = [];
    const sockets = brokers.map((address) => {
      const at = address.lastIndexOf(':');
      const socket = connect({ host: address.slice(0, at), port: Number(address.slice(at + 1)) });
      socket.setTimeout(timeoutMs);
      const fail = (reason: string) => {
        socket.destroy();
        failures.push(`${address} (${reason})`);
        if (--pending === 0) reject(new Error(`no broker reachable: ${failures.join(', ')}`));
      };
      socket.once('connect', () => {
        for (const s of sockets) s.destroy();
        resolve();
      });
      socket.once('timeout', () => fail(`no answer within ${timeoutMs} ms`));
      socket.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
      return socket;
    });
  });
}

/** Probes `probe`'s brokers (nothing to do without a probe), then runs `connect`. */
export async function connectWhenReachable(probe: ReachabilityProbe | undefined, connect: () => Promise<void>): Promise<void> {
  if (probe) await reachAnyBroker(probe.brokers, probe.timeoutMs);
  await connect();
}
