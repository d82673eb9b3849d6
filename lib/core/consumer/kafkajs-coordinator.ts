/** The kafkajs release whose internals {@link refreshKafkaJsCoordinator} was written against. */
export const KAFKAJS_COORDINATOR_VERSION = '2.2.4';

/** kafkajs protocol error types that mean "the group's coordinator moved or is not ready yet". */
const COORDINATOR_ERROR_TYPES = new Set(['NOT_COORDINATOR_FOR_GROUP', 'GROUP_COORDINATOR_NOT_AVAILABLE', 'GROUP_LOAD_IN_PROGRESS']);

/**
 * kafkajs error names met when the broker kafkajs still calls the coordinator stopped or left the
 * cached metadata ("Broker N not found in the cached metadata", a closed or refused connection,
 * a request that timed out while the broker shut down).
 */
const COORDINATOR_GONE_ERROR_NAMES = new Set([
  'KafkaJSBrokerNotFound',
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSLockTimeout',
]);

/**
 * Whether a kafkajs error of a commit or heartbeat means the coordinator must be found again (the
 * member's generation may still be valid), as opposed to "the group moved on" or a refusal.
 */
export function isCoordinatorError(error: unknown): boolean {
  const e = error as { type?: unknown; name?: unknown } | null;
  if (typeof e?.type === 'string' && COORDINATOR_ERROR_TYPES.has(e.type)) return true;
  return typeof e?.name === 'string' && COORDINATOR_GONE_ERROR_NAMES.has(e.name);
}

/** The part of kafkajs' internal `ConsumerGroup` (`kafkajs/src/consumer/consumerGroup.js`) that holds the coordinator. */
export interface KafkaJsCoordinatorHolder {
  readonly groupId: string;
  /** The broker found at the last JoinGroup; heartbeats go to it. */
  coordinator: unknown;
  /** Created at each SyncGroup with its own copy of the coordinator; commits go to it. */
  readonly offsetManager: { coordinator: unknown } | null;
  readonly cluster: {
    refreshMetadata(): Promise<void>;
    findGroupCoordinator(options: { groupId: string }): Promise<unknown>;
  };
}

/** Whether `group` has the shape {@link refreshKafkaJsCoordinator} relies on. */
export function isKafkaJsCoordinatorHolder(group: unknown): group is KafkaJsCoordinatorHolder {
  const g = group as Partial<Record<keyof KafkaJsCoordinatorHolder, unknown>> | null;
  const cluster = g?.cluster as Record<string, unknown> | undefined;
  return (
    typeof g?.groupId === 'string' &&
    'coordinator' in g &&
    'offsetManager' in g &&
    typeof cluster?.refreshMetadata === 'function' &&
    typeof cluster.findGroupCoordinator === 'function'
  );
}

/**
 * Finds the group coordinator again on fresh metadata and points kafkajs' consumer group and its
 * offset manager at it, so the next commit and heartbeat of the same generation reach it.
 *
 * kafkajs 2.2.4 finds the coordinator only in JoinGroup (`consumerGroup.js`); `offsetManager`
 * keeps that broker and, on NOT_COORDINATOR_FOR_GROUP, refreshes the broker list but not the
 * coordinator, and `getCoordinator()` re-looks up the same node id once its connection dropped.
 */
export async function refreshKafkaJsCoordinator(group: KafkaJsCoordinatorHolder): Promise<void> {
  await group.cluster.refreshMetadata();
  const coordinator = await group.cluster.findGroupCoordinator({ groupId: group.groupId });
  group.coordinator = coordinator;
  if (group.offsetManager) group.offsetManager.coordinator = coordinator;
}
