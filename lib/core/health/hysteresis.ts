import type { HealthStatus } from './health-types.js';

/** What a health subscription should do after a result. */
export type HealthAction = 'start' | 'stop';

/**
 * Turns a stream of health results into start/stop decisions: `upAfter` consecutive OK results
 * ask for a start, `downAfter` consecutive WARNING/CRITICAL results ask for a stop, and a decision
 * is only repeated after the opposite one, so one flapping result does not toggle the group.
 */
export class HealthHysteresis {
  private okRun = 0;
  private badRun = 0;
  private decided: HealthAction | undefined;

  constructor(
    private readonly upAfter: number,
    private readonly downAfter: number,
  ) {}

  /** Records one result; returns the action to take now, if any. */
  observe(status: HealthStatus): HealthAction | undefined {
    if (status === 'OK') {
      this.okRun++;
      this.badRun = 0;
      if (this.okRun >= this.upAfter && this.decided !== 'start') return (this.decided = 'start');
    } else {
      this.badRun++;
      this.okRun = 0;
      if (this.badRun >= this.downAfter && this.decided !== 'stop') return (this.decided = 'stop');
    }
    return undefined;
  }

  /** Forgets the last decision (e.g. its action failed) so the next qualifying result repeats it. */
  forgetDecision(): void {
    this.decided = undefined;
  }

  /** The last decision taken, if any. */
  get lastDecision(): HealthAction | undefined {
    return this.decided;
  }
}
