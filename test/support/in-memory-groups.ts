import { after } from 'node:test';
import { InMemoryConsumerGroup, type InMemoryConsumerGroupConfig } from '../../lib/testing/in-memory-consumer-group.js';

/**
 * In-memory groups for one test file: `newGroup(config)` builds a group on topic `orders`, group
 * `billing`, with `defaults` and then `config`; `closeAfterTests(client)` adds any other client.
 * Everything is closed after the file's tests. Call at the top level of the file.
 */
export function inMemoryGroups(defaults: Partial<InMemoryConsumerGroupConfig> = {}) {
  const open: Array<{ close(): Promise<void> }> = [];
  after(async () => {
    await Promise.all(open.map((c) => c.close()));
  });
  const closeAfterTests = <T extends { close(): Promise<void> }>(client: T): T => {
    open.push(client);
    return client;
  };
  const newGroup = (config: Partial<InMemoryConsumerGroupConfig> = {}): InMemoryConsumerGroup =>
    closeAfterTests(new InMemoryConsumerGroup({ topic: 'orders', groupName: 'billing', ...defaults, ...config }));
  return { newGroup, closeAfterTests };
}
