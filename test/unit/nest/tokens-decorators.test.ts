import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reflector } from '@nestjs/core';
import {
  DEFAULT_KAFKA_NAME,
  KafkaBatchHandler,
  KafkaHandler,
  KafkaModuleError,
  getConsumerGroupToken,
  getProducerToken,
} from '../../../lib/nest/index.js';
import { KafkaMetadataAccessor } from '../../../lib/nest/kafka-metadata.accessor.js';

const schema = { type: 'record' as const, name: 'Ping', fields: [{ name: 'n', type: 'int' }] };

class Handlers {
  @KafkaHandler({ group: 'orders', schema })
  onOrder(): void {}

  @KafkaBatchHandler({ group: 'audit' })
  onAudit(): void {}

  plain(): void {}
}

describe('tokens', () => {
  it('names the producer or group in the token, with a default name', () => {
    assert.equal(getProducerToken('events'), 'KafkaProducer:events');
    assert.equal(getConsumerGroupToken('events'), 'KafkaConsumerGroup:events');
    assert.equal(getProducerToken(), getProducerToken(DEFAULT_KAFKA_NAME));
    assert.notEqual(getProducerToken('x'), getConsumerGroupToken('x'));
  });
});

describe('handler decorators', () => {
  const accessor = new KafkaMetadataAccessor(new Reflector());

  it('records group and schema of @KafkaHandler', () => {
    assert.deepEqual(accessor.getHandlerMetadata(Handlers.prototype.onOrder), [{ kind: 'message', group: 'orders', schema }]);
  });

  it('records the group of @KafkaBatchHandler', () => {
    assert.deepEqual(accessor.getHandlerMetadata(Handlers.prototype.onAudit), [{ kind: 'batch', group: 'audit' }]);
  });

  it('finds nothing on undecorated methods or non-functions', () => {
    assert.deepEqual(accessor.getHandlerMetadata(Handlers.prototype.plain), []);
    assert.deepEqual(accessor.getHandlerMetadata(undefined), []);
  });

  it('rejects a missing or empty group when the class is defined', () => {
    assert.throws(
      () => KafkaHandler({ group: '  ' }),
      (e: unknown) => e instanceof KafkaModuleError && /@KafkaHandler needs \{ group/.test(e.message),
    );
    assert.throws(
      () => KafkaBatchHandler({} as unknown as { group: string }),
      (e: unknown) => e instanceof KafkaModuleError && /@KafkaBatchHandler needs \{ group/.test(e.message),
    );
  });
});
