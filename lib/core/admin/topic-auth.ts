import { ConfigChecker } from '../config/validate.js';
import { checkPrincipalPart, getPrincipal } from './principal.js';

/** ACL operations that can be granted on a topic (Kafka's names, as in `kafka-acls --operation`). */
export const ACL_OPERATIONS = [
  'All',
  'Read',
  'Write',
  'Create',
  'Delete',
  'Alter',
  'Describe',
  'ClusterAction',
  'DescribeConfigs',
  'AlterConfigs',
  'IdempotentWrite',
] as const;

/** One of {@link ACL_OPERATIONS}. */
export type AclOperation = (typeof ACL_OPERATIONS)[number];

/** The ACL host that matches every client address. */
export const ACL_ANY_HOST = '*';

/** Hosts used when a {@link TopicAuth} gives none: every host. */
export const DEFAULT_ACL_HOSTS: readonly string[] = [ACL_ANY_HOST];

/**
 * The access one app needs on one topic (dp-kafka's `TopicAuth`). It expands to one ACL per
 * subnet × operation × host; each ALLOWs `getPrincipal(app, subnet, domain)` on the literal topic.
 */
export interface TopicAuth {
  /** Service name, the first label of the certificate CN. */
  app: string;
  /** Subnets the app runs in, e.g. `['publishing', 'web']` (at least one). */
  subnets: string[];
  /** Topic name (literal, not a prefix). */
  topic: string;
  /** Operations to allow (at least one). */
  operations: AclOperation[];
  /** Client hosts to allow from. Default {@link DEFAULT_ACL_HOSTS} (`*`, any host). */
  hosts?: string[];
}

/** One ALLOW ACL on a literal topic, ready to create. */
export interface TopicAcl {
  /** e.g. `User:CN=app.subnet.domain`. */
  readonly principal: string;
  /** The topic the ACL is for. */
  readonly topic: string;
  /** The operation it allows. */
  readonly operation: AclOperation;
  /** Client host, or `*`. */
  readonly host: string;
}

/**
 * The ACLs of a {@link TopicAuth} for `domain`: the product subnets × operations × hosts, in
 * that nesting order (dp-kafka's `TopicAuth.GetAcls`).
 *
 * @throws KafkaConfigError naming every invalid field of `auth` and `domain` (see {@link checkTopicAuth})
 */
export function getTopicAcls(auth: TopicAuth, domain: string): TopicAcl[] {
  const checker = new ConfigChecker();
  checkTopicAuth(checker, auth);
  checkPrincipalPart(checker, domain, 'domain');
  checker.throwIfAny('topic auth');
  const acls: TopicAcl[] = [];
  for (const subnet of auth.subnets) {
    const principal = getPrincipal(auth.app, subnet, domain);
    for (const operation of auth.operations) {
      for (const host of auth.hosts ?? DEFAULT_ACL_HOSTS) {
        acls.push({ principal, topic: auth.topic, operation, host });
      }
    }
  }
  return acls;
}

/**
 * Validates a {@link TopicAuth} into `checker` (fields under `field`): a non-empty app, topic,
 * subnet list, operation list and (if given) host list, with known operations. An empty list is
 * an error because it would silently grant nothing.
 */
export function checkTopicAuth(checker: ConfigChecker, auth: unknown, field = 'topicAuth'): void {
  if (!checker.require(typeof auth === 'object' && auth !== null, field, 'must be an object')) return;
  const t = auth as Partial<Record<keyof TopicAuth, unknown>>;
  checkPrincipalPart(checker, t.app, `${field}.app`);
  checker.require(typeof t.topic === 'string' && t.topic.trim() !== '', `${field}.topic`, 'is required (non-empty string)');
  checkList(checker, t.subnets, `${field}.subnets`, (subnet, f) => checkPrincipalPart(checker, subnet, f));
  checkList(checker, t.operations, `${field}.operations`, (op, f) =>
    checker.require((ACL_OPERATIONS as readonly unknown[]).includes(op), f, `must be one of ${ACL_OPERATIONS.join(', ')}`),
  );
  if (t.hosts !== undefined) {
    checkList(checker, t.hosts, `${field}.hosts`, (host, f) =>
      checker.require(typeof host === 'string' && host.trim() !== '', f, `must be a host address or ${ACL_ANY_HOST}`),
    );
  }
}

function checkList(checker: ConfigChecker, list: unknown, field: string, each: (item: unknown, field: string) => void): void {
  if (!checker.require(Array.isArray(list) && list.length > 0, field, 'is required (a non-empty array)')) return;
  (list as unknown[]).forEach((item, i) => each(item, `${field}[${i}]`));
}
