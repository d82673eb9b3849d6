import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { Logger, type LoggerService } from '@nestjs/common';
import { NestKafkaLogger } from '../../../lib/nest/nest-kafka-logger.js';

class CapturingLogger implements LoggerService {
  readonly lines: Array<{ level: string; message: string; context: unknown }> = [];
  log(message: string, context?: unknown): void {
    this.lines.push({ level: 'log', message, context });
  }
  error(message: string, context?: unknown): void {
    this.lines.push({ level: 'error', message, context });
  }
  warn(message: string, context?: unknown): void {
    this.lines.push({ level: 'warn', message, context });
  }
  debug(message: string, context?: unknown): void {
    this.lines.push({ level: 'debug', message, context });
  }
}

describe('NestKafkaLogger', () => {
  afterEach(() => {
    Logger.overrideLogger(true);
  });

  it('maps levels onto Nest Logger methods with the context', () => {
    const sink = new CapturingLogger();
    Logger.overrideLogger(sink);
    const logger = new NestKafkaLogger('Kafka:events', 'debug');
    logger.debug('d');
    logger.info('i', { topic: 't' });
    logger.warn('w');
    logger.error('e');
    assert.deepEqual(
      sink.lines.map((l) => l.level),
      ['debug', 'log', 'warn', 'error'],
    );
    assert.equal(sink.lines[1]?.message, 'i {"topic":"t"}');
    assert.equal(sink.lines[0]?.context, 'Kafka:events');
  });

  it('drops entries below its level', () => {
    const sink = new CapturingLogger();
    Logger.overrideLogger(sink);
    const logger = new NestKafkaLogger('Kafka', 'warn');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    assert.deepEqual(
      sink.lines.map((l) => l.message),
      ['w'],
    );
  });

  it('redacts secret-looking fields, keeping the rest', () => {
    const sink = new CapturingLogger();
    Logger.overrideLogger(sink);
    new NestKafkaLogger('Kafka').info('connect', {
      broker: 'b:1',
      password: 'hunter2',
      sasl: { password: 'x' },
      clientKey: 'PEM',
      offset: 5n,
    });
    const line = sink.lines[0]?.message ?? '';
    assert.ok(!line.includes('hunter2') && !line.includes('PEM'), line);
    assert.match(line, /"broker":"b:1"/);
    assert.match(line, /"offset":"5"/);
  });
});
