import type { Admin, AclEntry } from 'kafkajs';
import { AclCreationError } from '../errors.js';
import { silentLogger, type KafkaLogger } from '../logger.js';
import { ConfigChecker } from '../config/validate.js';
import { findAuthFailure } from '../security/authorization.js';
import { checkPrincipalPart } from './principal.js';
import { checkTopicAuth, getTopicAcls, type AclOperation, type TopicAcl, type TopicAuth } from './topic-auth.js';

/** The part of a kafkajs `Admin` that ACL creation needs (lets tests pass a stand-in). */
export type AclAdmin = Pick<Admin, 'createAcls'>;

/**
 * Many {@link TopicAuth}s for one domain (dp-kafka's `TopicAuthList`). `brokers` is carried for
 * the caller's convenience (to build the admin client); applying does not use it.
 */
export interface TopicAuthList {
  /** Domain appended to every principal, e.g. `example.internal`. */
  domain: string;
  /** Brokers of the cluster the list is meant for (informational). */
  brokers?: string[];
  /** The topic authorisations to apply, in order. */
  acls: TopicAuth[];
}

// Kafka protocol codes (identical in kafkajs' enums, which its ESM entry does not export by name).
const RESOURCE_TOPIC = 2;
const PATTERN_LITERAL = 3;
const PERMISSION_ALLOW = 3;
const OPERATION_CODES: Readonly<Record<AclOperation, number>> = {
  All: 2,
  Read: 3,
  Write: 4,
  Create: 5,
  Delete: 6,
  Alter: 7,
  Describe: 8,
  ClusterAction: 9,
  DescribeConfigs: 10,
  AlterConfigs: 11,
  IdempotentWrite: 12,
};

/** The kafkajs `createAcls` entry of a {@link TopicAcl}: ALLOW on a literal topic. */
export function toKafkaJsAcl(acl: TopicAcl): AclEntry {
  return {
    resourceType: RESOURCE_TOPIC,
    resourceName: acl.topic,
    resourcePatternType: PATTERN_LITERAL,
    principal: acl.principal,
    host: acl.host,
    operation: OPERATION_CODES[acl.operation],
    permissionType: PERMISSION_ALLOW,
  } as AclEntry;
}

/**
 * Creates `acls` one at a time, in order (dp-kafka's `Acls.Apply`), logging each. Stops at the
 * first failure: the ACLs before it exist, the ones after it were not attempted.
 *
 * @throws AclCreationError naming the ACL that failed (log data: principal, topic, operation,
 *   host, index, and `authFailure` when the admin itself was not allowed)
 */
export async function applyAcls(admin: AclAdmin, acls: readonly TopicAcl[], logger: KafkaLogger = silentLogger): Promise<void> {
  for (const [index, acl] of acls.entries()) {
    const data = { ...acl, index };
    logger.info('creating ACL', data);
    try {
      await admin.createAcls({ acl: [toKafkaJsAcl(acl)] });
    } catch (error) {
      const failure = findAuthFailure(error);
      throw new AclCreationError(
        `failed to create ACL #${index + 1} of ${acls.length} allowing ${acl.principal} to ${acl.operation} topic ${acl.topic} from host ${acl.host}`,
        { ...data, ...(failure ? { authFailure: failure.reason } : {}) },
        error,
      );
    }
    logger.info('created ACL', data);
  }
}

/**
 * Applies every {@link TopicAuth} of `list` in order (dp-kafka's `TopicAuthList.Apply`). The
 * whole list is validated first, so a bad entry creates nothing.
 *
 * @throws KafkaConfigError naming every invalid field (`acls[i].…`, `domain`)
 * @throws AclCreationError for the first ACL the broker refused
 */
export async function applyTopicAuthList(admin: AclAdmin, list: TopicAuthList, logger: KafkaLogger = silentLogger): Promise<void> {
  const checker = new ConfigChecker();
  checkPrincipalPart(checker, list.domain, 'domain');
  if (checker.require(Array.isArray(list.acls), 'acls', 'is required (an array of TopicAuth)')) {
    list.acls.forEach((auth, i) => checkTopicAuth(checker, auth, `acls[${i}]`));
  }
  checker.throwIfAny('topic auth list');
  for (const auth of list.acls) await applyAcls(admin, getTopicAcls(auth, list.domain), logger);
}
