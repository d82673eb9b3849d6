import { Injectable } from '@nestjs/common';

/**
 * Counters of the Nest handler pipeline, per consumer group (the names of the module's
 * `consumerGroups`). Inject it to read them, e.g. for a metric.
 */
@Injectable()
export class KafkaHandlerStats {
  private readonly skipped = new Map<string, number>();

  /** Records skipped (and committed) because a guard returned false, for `group`. */
  skippedByGuard(group: string): number {
    return this.skipped.get(group) ?? 0;
  }

  /** @internal */
  recordGuardSkip(group: string, count: number): void {
    this.skipped.set(group, this.skippedByGuard(group) + count);
  }
}
