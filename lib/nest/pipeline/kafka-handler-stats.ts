import { Injectable } from '@nestjs/common';

// Counts per stats instance, kept outside the class so the public surface is read-only.
const skippedByInstance = new WeakMap<KafkaHandlerStats, Map<string, number>>();

/**
 * Counters of the Nest handler pipeline, per consumer group (the names of the module's
 * `consumerGroups`). Inject it to read them, e.g. for a metric.
 */
@Injectable()
export class KafkaHandlerStats {
  constructor() {
    skippedByInstance.set(this, new Map());
  }

  /** Records skipped (and committed) because a guard returned false, for `group`. */
  skippedByGuard(group: string): number {
    return skippedByInstance.get(this)?.get(group) ?? 0;
  }
}

/** Counts `count` records of `group` skipped by a guard. */
export function recordGuardSkip(stats: KafkaHandlerStats, group: string, count: number): void {
  skippedByInstance.get(stats)?.set(group, stats.skippedByGuard(group) + count);
}
