import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADMIN_OPTION_NAMES } from '../../../lib/core/admin/admin-config.js';
import { CONNECTION_OPTION_NAMES } from '../../../lib/core/config/connection.js';
import { CONSUMER_GROUP_ONLY_OPTION_NAMES } from '../../../lib/core/config/consumer.js';
import { PRODUCER_ONLY_OPTION_NAMES } from '../../../lib/core/config/producer.js';
import { BACKOFF_KEYS, HANDLER_OPTION_NAMES, POLICY_KEYS } from '../../../lib/core/consumer/failure/failure-config.js';
import { TRANSACTIONAL_HANDLER_OPTION_NAMES } from '../../../lib/core/consumer/transactional/transactional-options.js';
import { HEALTH_CHECK_OPTION_NAMES } from '../../../lib/core/health/health-checker.js';
import { HEALTH_SUBSCRIPTION_OPTION_NAMES } from '../../../lib/core/health/subscription.js';
import { SASL_OPTION_NAMES, SECURITY_OPTION_NAMES } from '../../../lib/core/security/resolve.js';
import { GROUP_ENTRY_OPTION_NAMES, HEALTH_SUBSCRIPTION_ENTRY_NAMES, MODULE_OPTION_NAMES } from '../../../lib/nest/kafka.registry.js';
import { SCHEMA_REGISTRY_OPTION_NAMES } from '../../../lib/nest/kafka-schema-registry.js';
import {
  CONSUMER_SCHEMA_REGISTRY_OPTION_NAMES,
  PRODUCER_SCHEMA_REGISTRY_OPTION_NAMES,
} from '../../../lib/core/registry/registry-options.js';
import { optionTables, userDocs, type OptionTable } from '../../../scripts/docs/markdown-blocks.js';
import { projectRoot } from '../../../scripts/kafka/paths.js';

// The option lists the config validators accept (built with optionNames<T>, so they follow the
// interfaces), read from the built code. A table `<!-- options: <id> -->` in README.md or
// docs/*.md must list exactly these names, one per row.
const without = (names: readonly string[], shared: readonly string[]) => names.filter((name) => !shared.includes(name));
const ACCEPTED: Record<string, readonly string[]> = {
  connection: CONNECTION_OPTION_NAMES,
  producer: PRODUCER_ONLY_OPTION_NAMES,
  'consumer-group': CONSUMER_GROUP_ONLY_OPTION_NAMES,
  handler: HANDLER_OPTION_NAMES,
  'transactional-handler': TRANSACTIONAL_HANDLER_OPTION_NAMES,
  'failure-policy': POLICY_KEYS,
  'retry-backoff': BACKOFF_KEYS,
  'health-check': HEALTH_CHECK_OPTION_NAMES,
  'health-subscription': HEALTH_SUBSCRIPTION_OPTION_NAMES,
  security: SECURITY_OPTION_NAMES,
  sasl: SASL_OPTION_NAMES,
  admin: without(ADMIN_OPTION_NAMES, CONNECTION_OPTION_NAMES),
  module: without(MODULE_OPTION_NAMES, CONNECTION_OPTION_NAMES),
  'module-group-entry': without(GROUP_ENTRY_OPTION_NAMES, CONSUMER_GROUP_ONLY_OPTION_NAMES),
  'module-health-subscription': HEALTH_SUBSCRIPTION_ENTRY_NAMES,
  'module-schema-registry': SCHEMA_REGISTRY_OPTION_NAMES,
  'producer-schema-registry': PRODUCER_SCHEMA_REGISTRY_OPTION_NAMES,
  'consumer-schema-registry': CONSUMER_SCHEMA_REGISTRY_OPTION_NAMES,
};

const tables: OptionTable[] = userDocs(projectRoot).flatMap((doc) => optionTables(projectRoot, doc));

describe('option tables in the docs equal what the config validators accept', () => {
  it('every table names a known option list, and every list has a table', () => {
    assert.deepEqual(
      tables.map((t) => t.id).filter((id) => !(id in ACCEPTED)),
      [],
      'tables whose id is not in ACCEPTED',
    );
    assert.deepEqual(
      Object.keys(ACCEPTED).filter((id) => !tables.some((t) => t.id === id)),
      [],
      'option lists without a table',
    );
  });

  for (const [id, accepted] of Object.entries(ACCEPTED)) {
    it(`${id}: every accepted option is documented, every documented option is accepted`, () => {
      for (const table of tables.filter((t) => t.id === id)) {
        const where = `${table.doc}:${table.line}`;
        assert.deepEqual(without(accepted, table.options), [], `${where}: accepted but not in the table`);
        assert.deepEqual(without(table.options, accepted), [], `${where}: in the table but not accepted`);
        assert.equal(new Set(table.options).size, table.options.length, `${where}: an option listed twice`);
      }
    });
  }
});
