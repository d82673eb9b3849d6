/** Width of the wall-clock stamp at the start of every bench record: `1764086400000.123`. */
const STAMP_WIDTH = 17;

/** Wall-clock time in milliseconds with sub-millisecond precision, comparable across processes. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * A record value of exactly `recordBytes` bytes: an ASCII send timestamp, a space, then filler.
 * Plain text, so every consumer under test (including the Nest transport, which turns values into
 * strings) can read the timestamp back for end-to-end latency.
 */
export function makePayload(recordBytes: number, sentAtMs: number = wallClockMs()): Buffer {
  const buf = Buffer.alloc(recordBytes, 0x78); // 'x'
  buf.write(`${sentAtMs.toFixed(3).padStart(STAMP_WIDTH, '0')} `, 0, 'latin1');
  return buf;
}

/** The send timestamp of a bench record, or undefined when the value is not one. */
export function readSentAt(value: Buffer | string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const head = typeof value === 'string' ? value.slice(0, STAMP_WIDTH) : value.toString('latin1', 0, STAMP_WIDTH);
  const ms = Number(head);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}
