/**
 * kafkajs logs, at error or warn level, the retriable errors it meets while a cluster settles: a
 * group coordinator still loading right after connect, a topic that has no leader yet just after it
 * was created, members re-joining while a group forms. They resolve on their own within a few
 * seconds and read like failures to anyone watching an app start. The log bridge logs them at debug
 * while they are transient and as warnings once they persist (see {@link TransientErrorEpisodes}).
 */

/** kafkajs' texts (`protocol/error.js` messages and its own log messages) of self-resolving errors. */
export const TRANSIENT_KAFKAJS_ERRORS: ReadonlySet<string> = new Set([
  // GROUP_COORDINATOR_NOT_AVAILABLE, GROUP_LOAD_IN_PROGRESS, NOT_COORDINATOR_FOR_GROUP:
  // the coordinator is being elected or loads __consumer_offsets after connect.
  'The group coordinator is not available',
  "The coordinator is loading and hence can't process requests for this group",
  'This is not the correct coordinator for this group',
  // UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, NOT_LEADER_FOR_PARTITION: a topic just
  // created (or auto-created) whose partitions have no leader yet, or a leader that moved.
  'This server does not host this topic-partition',
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
  'This server is not the leader for that topic-partition',
  // REBALANCE_IN_PROGRESS and the consumer's messages while a group forms.
  'The group is rebalancing, so a rejoin is needed',
  'The group is rebalancing, re-joining',
  'Consumer is not aware of all assigned partitions, refreshing metadata',
]);

/**
 * The transient error an entry reports, if any: its `error` field (`Response GroupCoordinator(…)`
 * entries), its message, or the end of its message after a colon (`Crash: KafkaJSProtocolError: …`
 * when a consumer stops on one and the library restarts it, `Failed to send messages: …`).
 */
export function transientKafkaJsError(message: string, error: unknown): string | undefined {
  if (typeof error === 'string' && TRANSIENT_KAFKAJS_ERRORS.has(error)) return error;
  if (TRANSIENT_KAFKAJS_ERRORS.has(message)) return message;
  for (let colon = message.indexOf(': '); colon >= 0; colon = message.indexOf(': ', colon + 2)) {
    const tail = message.slice(colon + 2);
    if (TRANSIENT_KAFKAJS_ERRORS.has(tail)) return tail;
  }
  return undefined;
}

/** How long a transient error may go on at debug level before it is a warning. */
export const TRANSIENT_GRACE_MS = 10_000;
/**
 * A transient error not seen for this long has resolved; its next occurrence starts afresh. The
 * owner of a client usually ends episodes sooner, when it sees the cluster work ({@link TransientErrorEpisodes.settle}).
 */
export const TRANSIENT_QUIET_MS = 60_000;

/** Whether to log one occurrence quietly, and for how long its episode has lasted. */
export interface TransientVerdict {
  /** True while the episode is younger than the grace period: log at debug. */
  readonly quiet: boolean;
  /** Time since the episode's first occurrence. */
  readonly failingForMs: number;
}

/**
 * Episodes of each transient error, for one kafkajs client. An episode starts at an error's first
 * occurrence (after connect, after a topic was created) and lasts until the client's owner sees
 * the cluster work again ({@link settle}: the group joined, a fetch came back), or until the error
 * has not recurred for {@link TRANSIENT_QUIET_MS} (kafkajs' retry backoff stays well below that).
 * So two short rebalances 15 s apart are two episodes of a few seconds each, not one of 15 s. Occurrences in the
 * first {@link TRANSIENT_GRACE_MS} of an episode are quiet; later ones are not, so an error that
 * persists is a warning again.
 */
export class TransientErrorEpisodes {
  private readonly episodes = new Map<string, { startedAt: number; lastAt: number }>();

  constructor(
    private readonly graceMs = TRANSIENT_GRACE_MS,
    private readonly quietMs = TRANSIENT_QUIET_MS,
  ) {}

  /** Ends every episode: the cluster worked again since their errors. */
  settle(): void {
    this.episodes.clear();
  }

  /** Records one occurrence of `error` and says how to log it. */
  occurred(error: string): TransientVerdict {
    const now = Date.now();
    const episode = this.episodes.get(error);
    if (!episode || now - episode.lastAt >= this.quietMs) {
      this.episodes.set(error, { startedAt: now, lastAt: now });
      return { quiet: true, failingForMs: 0 };
    }
    episode.lastAt = now;
    const failingForMs = now - episode.startedAt;
    return { quiet: failingForMs < this.graceMs, failingForMs };
  }
}
