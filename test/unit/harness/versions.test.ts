import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HarnessUsageError } from '../../../scripts/kafka/errors.js';
import {
  DEFAULT_KAFKA_VERSION,
  kafkaVersionFromEnv,
  loggingFor,
  parseKafkaVersion,
  toolClassesFor,
  versionSpecificProperties,
} from '../../../scripts/kafka/versions.js';

describe('harness versions', () => {
  it('defaults to 4.4.0 and lets KAFKA_VERSION override it', () => {
    assert.equal(DEFAULT_KAFKA_VERSION, '4.4.0');
    assert.equal(kafkaVersionFromEnv({}).text, '4.4.0');
    assert.equal(kafkaVersionFromEnv({ KAFKA_VERSION: ' 3.9.1 ' }).text, '3.9.1');
  });

  it('rejects malformed and pre-KRaft versions with a usage error naming the value', () => {
    assert.throws(
      () => parseKafkaVersion('latest'),
      (err: unknown) => err instanceof HarnessUsageError && /latest/.test(err.message),
    );
    assert.throws(() => parseKafkaVersion('2.8.2'), HarnessUsageError);
    assert.throws(() => parseKafkaVersion('3.4.0'), HarnessUsageError);
    assert.equal(parseKafkaVersion('3.5.0').minor, 5);
  });

  it('uses reload4j and log4j 1 properties on 3.x', () => {
    const logging = loggingFor(parseKafkaVersion('3.9.1'));
    assert.equal(logging.mavenProfile, 'reload4j');
    assert.equal(logging.configFileName, 'log4j.properties');
    assert.match(logging.configText, /log4j\.logger\.kafka\.server\.KafkaRaftServer=INFO/);
    assert.equal(logging.jvmOption('/x/log4j.properties'), '-Dlog4j.configuration=file:/x/log4j.properties');
  });

  it('uses log4j2 on 4.x with the log4j2 release each line ships', () => {
    const old = loggingFor(parseKafkaVersion('4.1.1'));
    assert.equal(old.mavenProfile, 'log4j2');
    assert.equal(old.configFileName, 'log4j2.properties');
    assert.deepEqual(old.mavenProperties, { 'log4j2.version': '2.24.3' });
    assert.equal(old.jvmOption('/x/l.properties'), '-Dlog4j2.configurationFile=/x/l.properties');
    assert.deepEqual(loggingFor(parseKafkaVersion('4.1.2')).mavenProperties, { 'log4j2.version': '2.25.3' });
    assert.deepEqual(loggingFor(parseKafkaVersion('4.0.1')).mavenProperties, { 'log4j2.version': '2.24.3' });
    assert.deepEqual(loggingFor(parseKafkaVersion('4.2.0')).mavenProperties, { 'log4j2.version': '2.25.3' });
  });

  it('adds share-coordinator replication only on 4.x', () => {
    assert.deepEqual(versionSpecificProperties(parseKafkaVersion('3.9.1'), 1, 1), {});
    assert.equal(versionSpecificProperties(parseKafkaVersion('4.1.1'), 3, 2)['share.coordinator.state.topic.min.isr'], '2');
  });

  it('names the console tools by the package each line ships them in', () => {
    assert.equal(toolClassesFor(parseKafkaVersion('3.9.1')).consoleProducer, 'kafka.tools.ConsoleProducer');
    assert.equal(toolClassesFor(parseKafkaVersion('3.9.1')).dumpLogSegments, 'kafka.tools.DumpLogSegments');
    assert.equal(toolClassesFor(parseKafkaVersion('4.4.0')).consoleProducer, 'org.apache.kafka.tools.ConsoleProducer');
    assert.equal(toolClassesFor(parseKafkaVersion('4.4.0')).dumpLogSegments, 'org.apache.kafka.tools.DumpLogSegments');
    for (const v of ['3.9.1', '4.4.0']) {
      assert.equal(toolClassesFor(parseKafkaVersion(v)).consoleConsumer, 'org.apache.kafka.tools.consumer.ConsoleConsumer');
    }
  });
});
