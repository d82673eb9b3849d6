import { Kafka, logLevel } from 'kafkajs';
import { makePayload, wallClockMs } from './payload.js';

/** How often the paced producer sends a small batch. */
const TICK_MS = 20;

/**
 * Sends `ratePerSecond` stamped records for `seconds` with a plain kafkajs producer, in small
 * batches every 20 ms, each record stamped with its own send time. Used after a consume case has
 * drained its backlog, so its end-to-end latency is measured on live traffic rather than on the
 * age of a backlog. Resolves with the number of records sent.
 */
export async function producePaced(
  brokers: readonly string[],
  topic: string,
  recordBytes: number,
  ratePerSecond: number,
  seconds: number,
): Promise<number> {
  const producer = new Kafka({ clientId: 'bench-paced', brokers: [...brokers], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  try {
    const perTick = Math.max(1, Math.round((ratePerSecond * TICK_MS) / 1000));
    const ticks = Math.max(1, Math.round((seconds * 1000) / TICK_MS));
    const start = performance.now();
    let sent = 0;
    for (let tick = 0; tick < ticks; tick++) {
      const due = start + tick * TICK_MS - performance.now();
      if (due > 0) await new Promise((r) => setTimeout(r, due));
      const messages = Array.from({ length: perTick }, () => ({ value: makePayload(recordBytes, wallClockMs()) }));
      await producer.send({ topic, acks: 1, messages });
      sent += perTick;
    }
    return sent;
  } finally {
    await producer.disconnect();
  }
}
