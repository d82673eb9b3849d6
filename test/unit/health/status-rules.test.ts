import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BrokerHealth } from '../../../lib/core/health/health-types.js';
import { describeUnhealthyBrokers, judgeBrokerHealth } from '../../../lib/core/health/status-rules.js';

const ok = (address: string): BrokerHealth => ({ address, reachable: true, hasTopic: true, missingTopics: [] });
const down = (address: string): BrokerHealth => ({ address, reachable: false, hasTopic: false, missingTopics: [], reason: 'ECONNREFUSED' });
const lacking = (address: string, ...topics: string[]): BrokerHealth => ({
  address,
  reachable: true,
  hasTopic: false,
  missingTopics: topics,
});
const judge = (brokers: BrokerHealth[], minBrokersHealthy: number, partialStatus?: 'WARNING' | 'OK') =>
  judgeBrokerHealth({ brokers, topics: ['orders'], minBrokersHealthy, healthyMessage: 'kafka producer is healthy', partialStatus });

describe('judgeBrokerHealth (dp-kafka v3.7.1 rules)', () => {
  it('no brokers is CRITICAL with the seed message', () => {
    assert.deepEqual(judge([], 1), { status: 'CRITICAL', message: 'no brokers defined' });
  });

  it('all brokers healthy is OK with the healthy message', () => {
    assert.deepEqual(judge([ok('a:1'), ok('b:2'), ok('c:3')], 2), { status: 'OK', message: 'kafka producer is healthy' });
  });

  it('at least minBrokersHealthy but not all is WARNING', () => {
    const r = judge([ok('a:1'), ok('b:2'), down('c:3')], 2);
    assert.equal(r.status, 'WARNING');
    assert.equal(r.message, 'broker(s) not reachable at: [c:3]');
  });

  it('partialStatus OK reproduces the v3.10 rule', () => {
    assert.equal(judge([ok('a:1'), ok('b:2'), down('c:3')], 2, 'OK').status, 'OK');
  });

  it('fewer than minBrokersHealthy is CRITICAL', () => {
    const r = judge([ok('a:1'), down('b:2'), down('c:3')], 2);
    assert.equal(r.status, 'CRITICAL');
    assert.equal(r.message, 'broker(s) not reachable at: [b:2 c:3]');
  });

  it('a reachable broker without the topic is not healthy', () => {
    const r = judge([ok('a:1'), lacking('b:2', 'orders')], 2);
    assert.equal(r.status, 'CRITICAL');
    assert.equal(r.message, 'topic orders not available in broker(s): [b:2]');
  });

  it('joins both parts with a comma, unreachable first', () => {
    const r = judge([ok('a:1'), down('b:2'), lacking('c:3', 'orders'), ok('d:4')], 2);
    assert.equal(r.status, 'WARNING');
    assert.equal(r.message, 'broker(s) not reachable at: [b:2], topic orders not available in broker(s): [c:3]');
  });
});

describe('describeUnhealthyBrokers', () => {
  it('names each missing topic separately when several are checked', () => {
    const message = describeUnhealthyBrokers([lacking('a:1', 'x'), lacking('b:2', 'x', 'y'), ok('c:3')], ['x', 'y']);
    assert.equal(message, 'topic x not available in broker(s): [a:1 b:2], topic y not available in broker(s): [b:2]');
  });
});
