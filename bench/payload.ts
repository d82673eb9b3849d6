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

/** Distinct payloads of a compressed case: more than the records of any one batch (1 MiB / 1 KiB). */
const VARIED_PAYLOADS = 1_024;
const WORDS =
  'order customer payment shipped pending address street city region postcode item quantity price currency discount total status created updated warehouse carrier tracking note gift express standard return refund'.split(
    ' ',
  );

/**
 * `count` different record values of `recordBytes`, each a send stamp then JSON-like text (order
 * lines with pseudo-random ids, prices and words from a fixed seed), so a codec sees data about
 * as compressible as real JSON events (about 3x for lz4 and snappy, 4x for zstd and gzip) rather
 * than the single repeated filler byte of {@link makePayload}, which any codec shrinks a
 * thousand-fold. Compressed cases cycle through them.
 */
export function makeVariedPayloads(recordBytes: number, sentAtMs: number, count: number = VARIED_PAYLOADS): Buffer[] {
  let seed = 20_261_207;
  const next = (bound: number): number => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) & 0x7fffffff;
    return seed % bound;
  };
  return Array.from({ length: count }, (_, i) => {
    const buf = makePayload(recordBytes, sentAtMs);
    let text = `{"id":"o-${i}-${next(1e9)}","lines":[`;
    while (text.length < recordBytes) {
      text += `{"sku":"SKU-${next(1e6)}","qty":${1 + next(5)},"price":${next(10_000) / 100},"tag":"${WORDS[next(WORDS.length)]} ${WORDS[next(WORDS.length)]}"},`;
    }
    buf.write(text, STAMP_WIDTH + 1, recordBytes - STAMP_WIDTH - 1, 'latin1');
    return buf;
  });
}
