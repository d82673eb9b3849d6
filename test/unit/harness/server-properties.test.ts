import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeProperties } from '../../../scripts/kafka/server-properties.js';
import { newClusterId } from '../../../scripts/kafka/storage.js';
import { parseKafkaVersion } from '../../../scripts/kafka/versions.js';

const base = {
  version: parseKafkaVersion('3.9.1'),
  nodeId: 2,
  voters: [
    { id: 1, port: 1001 },
    { id: 2, port: 1002 },
    { id: 3, port: 1003 },
  ],
  controllerPort: 1002,
  listeners: [{ name: 'PLAINTEXT', protocol: 'PLAINTEXT' as const, port: 2002 }],
  interBrokerListener: 'PLAINTEXT',
  dataDir: '/tmp/x/node-2/data',
};

describe('harness server.properties', () => {
  it('describes a combined KRaft node with a static voter list on loopback', () => {
    const p = nodeProperties({ ...base, clusterSize: 3 });
    assert.equal(p['process.roles'], 'broker,controller');
    assert.equal(p['node.id'], '2');
    assert.equal(p['controller.quorum.voters'], '1@127.0.0.1:1001,2@127.0.0.1:1002,3@127.0.0.1:1003');
    assert.equal(p.listeners, 'PLAINTEXT://127.0.0.1:2002,CONTROLLER://127.0.0.1:1002');
    assert.equal(p['advertised.listeners'], 'PLAINTEXT://127.0.0.1:2002');
    assert.equal(p['listener.security.protocol.map'], 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT');
    assert.equal(p['log.dirs'], '/tmp/x/node-2/data');
  });

  it('sizes internal topics to the cluster: RF 1 on one node, RF 3 / min ISR 2 on three', () => {
    const single = nodeProperties({ ...base, clusterSize: 1 });
    assert.equal(single['offsets.topic.replication.factor'], '1');
    assert.equal(single['transaction.state.log.min.isr'], '1');
    assert.equal(single['min.insync.replicas'], '1');
    const three = nodeProperties({ ...base, clusterSize: 3 });
    assert.equal(three['offsets.topic.replication.factor'], '3');
    assert.equal(three['default.replication.factor'], '3');
    assert.equal(three['min.insync.replicas'], '2');
    assert.equal(three['transaction.state.log.min.isr'], '2');
  });

  it('lets topology-specific properties win over the defaults', () => {
    const p = nodeProperties({ ...base, clusterSize: 1, extra: { 'auto.create.topics.enable': 'false', 'ssl.client.auth': 'required' } });
    assert.equal(p['auto.create.topics.enable'], 'false');
    assert.equal(p['ssl.client.auth'], 'required');
  });

  it('makes cluster ids of 22 base64url characters that never start with a dash', () => {
    for (let i = 0; i < 200; i++) {
      const id = newClusterId();
      assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
  });
});
