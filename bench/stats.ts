/** p50 / p99 of a set of latencies, in milliseconds. */
export interface LatencySummary {
  /** Median. */
  readonly p50: number;
  /** 99th percentile. */
  readonly p99: number;
  /** How many samples the figures come from. */
  readonly count: number;
}

/**
 * The nearest-rank percentile of an ascending list: the smallest value such that at least `p`
 * percent of the values are <= it. Throws on an empty list or a `p` outside 0..100.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of an empty list');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100 (got ${p})`);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/**
 * Collects latency samples in a growable typed array, so a million samples cost 8 MB and no
 * per-sample allocation (which would distort the RSS figures of the case being measured).
 */
export class LatencyRecorder {
  private values: Float64Array;
  private size = 0;

  constructor(initialCapacity = 1024) {
    this.values = new Float64Array(Math.max(1, initialCapacity));
  }

  /** Adds one sample (milliseconds). */
  record(ms: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = ms;
  }

  /** Adds the same sample `count` times (a batch acked at once). */
  recordMany(ms: number, count: number): void {
    for (let i = 0; i < count; i++) this.record(ms);
  }

  /** Number of samples so far. */
  get count(): number {
    return this.size;
  }

  /** p50 / p99 of the samples, or undefined when there are none. */
  summary(): LatencySummary | undefined {
    if (this.size === 0) return undefined;
    const sorted = this.values.slice(0, this.size).sort();
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), count: this.size };
  }
}

/** Records per second over `seconds`; 0 when no time passed. */
export function ratePerSecond(count: number, seconds: number): number {
  return seconds > 0 ? count / seconds : 0;
}

/** Megabytes per second, with MB = 2^20 bytes as Kafka's perf tools count them. */
export function megabytesPerSecond(count: number, recordBytes: number, seconds: number): number {
  return seconds > 0 ? (count * recordBytes) / (1024 * 1024) / seconds : 0;
}
