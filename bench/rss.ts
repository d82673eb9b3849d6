import type { RssSample } from './protocol.js';

const MiB = 1024 * 1024;

/** Samples the process's RSS on an interval; the timer never keeps the process alive. */
export class RssSampler {
  private readonly samples: RssSample[] = [];
  private readonly startedAt = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 250) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** Takes a sample now and returns it. */
  sample(): RssSample {
    const s = { t: round((performance.now() - this.startedAt) / 1000, 2), rssMiB: round(process.memoryUsage.rss() / MiB, 1) };
    this.samples.push(s);
    return s;
  }

  /** Stops sampling. */
  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  /** Every sample so far. */
  get series(): readonly RssSample[] {
    return this.samples;
  }
}

/** Peak RSS of this process so far, from the kernel's high-water mark (it sees between samples). */
export function peakRssMiB(): number {
  return round((process.resourceUsage().maxRSS * 1024) / MiB, 1);
}

/** Rounds to `digits` decimals. */
export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
