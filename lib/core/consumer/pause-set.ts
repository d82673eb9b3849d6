/**
 * Some partitions of a topic, or all of them (now and any assigned later) when `partitions` is
 * absent: kafkajs' `TopicPartitions` shape.
 */
export interface TopicPartitions {
  /** The topic. */
  readonly topic: string;
  /** Partition numbers; absent means every partition of the topic. */
  readonly partitions?: readonly number[];
}

/** Who paused a partition: the app (`'app'`, the default) or a part of the library with its own reason. */
export type PauseHolder = string;

/** The holder of pauses asked for by the app (`pause()` / `resume()` on the group). */
export const APP_PAUSE_HOLDER: PauseHolder = 'app';

/** One holder's pauses of one topic: kafkajs' representation (whole topic with exceptions, or a set). */
interface TopicPause {
  /** The whole topic is paused, except `resumed`. */
  all: boolean;
  readonly paused: Set<number>;
  readonly resumed: Set<number>;
}

/**
 * Which partitions are paused, per holder. A partition is fetched only while no holder pauses
 * it, so the app's pause, a seek waiting for its offset and a retry topic waiting for a record to
 * fall due never resume each other's partitions. Pausing a whole topic also covers partitions
 * assigned later; resuming some of its partitions makes exceptions (as kafkajs does).
 */
export class PauseSet {
  /** holder -> topic -> pause. */
  private readonly holders = new Map<PauseHolder, Map<string, TopicPause>>();

  /** Pauses `targets` for `holder`. */
  pause(targets: readonly TopicPartitions[], holder: PauseHolder = APP_PAUSE_HOLDER): void {
    const topics = this.topicsOf(holder, true);
    for (const { topic, partitions } of targets) {
      const state = topics.get(topic) ?? { all: false, paused: new Set<number>(), resumed: new Set<number>() };
      topics.set(topic, state);
      if (partitions === undefined) {
        state.all = true;
        state.paused.clear();
        state.resumed.clear();
      } else {
        for (const p of partitions) {
          state.resumed.delete(p);
          if (!state.all) state.paused.add(p);
        }
      }
    }
  }

  /** Lifts `holder`'s pause of `targets` (other holders' pauses stay). */
  resume(targets: readonly TopicPartitions[], holder: PauseHolder = APP_PAUSE_HOLDER): void {
    const topics = this.topicsOf(holder, false);
    if (!topics) return;
    for (const { topic, partitions } of targets) {
      const state = topics.get(topic);
      if (!state) continue;
      if (partitions === undefined) {
        topics.delete(topic);
        continue;
      }
      for (const p of partitions) {
        state.paused.delete(p);
        if (state.all) state.resumed.add(p);
      }
      if (!state.all && state.paused.size === 0) topics.delete(topic);
    }
    if (topics.size === 0) this.holders.delete(holder);
  }

  /** Whether any holder (or `holder`, when given) pauses the partition. */
  isPaused(topic: string, partition: number, holder?: PauseHolder): boolean {
    if (holder !== undefined) return pausedBy(this.holders.get(holder)?.get(topic), partition);
    for (const topics of this.holders.values()) if (pausedBy(topics.get(topic), partition)) return true;
    return false;
  }

  /** Whether `holder` pauses the whole topic (with no exception). */
  isTopicPaused(topic: string, holder: PauseHolder = APP_PAUSE_HOLDER): boolean {
    const state = this.holders.get(holder)?.get(topic);
    return state !== undefined && state.all && state.resumed.size === 0;
  }

  /** Whether nothing is paused by anyone. */
  get isEmpty(): boolean {
    return this.holders.size === 0;
  }

  /** The partitions of `assigned` that are paused (by any holder, or by `holder`), per topic; topics with none are left out. */
  pausedOf(assigned: readonly TopicPartitions[], holder?: PauseHolder): Array<{ topic: string; partitions: number[] }> {
    const out: Array<{ topic: string; partitions: number[] }> = [];
    for (const { topic, partitions = [] } of assigned) {
      const paused = partitions.filter((p) => this.isPaused(topic, p, holder));
      if (paused.length > 0) out.push({ topic, partitions: paused });
    }
    return out;
  }

  private topicsOf(holder: PauseHolder, create: true): Map<string, TopicPause>;
  private topicsOf(holder: PauseHolder, create: false): Map<string, TopicPause> | undefined;
  private topicsOf(holder: PauseHolder, create: boolean): Map<string, TopicPause> | undefined {
    let topics = this.holders.get(holder);
    if (!topics && create) {
      topics = new Map();
      this.holders.set(holder, topics);
    }
    return topics;
  }
}

function pausedBy(state: TopicPause | undefined, partition: number): boolean {
  if (!state) return false;
  return state.all ? !state.resumed.has(partition) : state.paused.has(partition);
}

/** Assignment as the transports report it (`{ topic: [partitions] }`) in {@link TopicPartitions} form, sorted. */
export function assignmentToList(assignment: Readonly<Record<string, readonly number[]>>): Array<{ topic: string; partitions: number[] }> {
  return Object.entries(assignment)
    .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }))
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
}
