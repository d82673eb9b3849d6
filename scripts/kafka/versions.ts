/**
 * What differs between Kafka release lines: the logging jars (Maven profile), the logging config
 * and a few broker properties. Kafka 3.x logs through reload4j (log4j 1 properties), 4.x through
 * log4j2 with the slf4j 1.x binding `log4j-slf4j-impl` (slf4j is still 1.7.36 in every 4.x).
 */
import { HarnessUsageError } from './errors.js';

/** The Kafka version used when `KAFKA_VERSION` is not set. */
export const DEFAULT_KAFKA_VERSION = '4.4.0';

/** log4j2 release that 4.0.0-4.0.1 and 4.1.0-4.1.1 ship with. */
const LOG4J2_OLD = '2.24.3';
/** log4j2 release that 4.0.2+, 4.1.2+ and later lines ship with. */
const LOG4J2_NEW = '2.25.3';

/** A parsed Kafka release number. */
export interface KafkaVersion {
  readonly text: string;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** How one release line logs. */
export interface LoggingSetup {
  /** Maven profile in scripts/kafka/pom.xml that adds the binding and backend. */
  readonly mavenProfile: 'reload4j' | 'log4j2';
  /** Extra `-D` properties for Maven (e.g. the log4j2 version). */
  readonly mavenProperties: Record<string, string>;
  /** File name of the logging config written next to the broker's properties. */
  readonly configFileName: string;
  /** Contents of that file. */
  readonly configText: string;
  /** JVM system property that points the backend at the file. */
  jvmOption(configPath: string): string;
}

/** The version from `KAFKA_VERSION`, or the default. */
export function kafkaVersionFromEnv(env: NodeJS.ProcessEnv = process.env): KafkaVersion {
  return parseKafkaVersion(env.KAFKA_VERSION?.trim() || DEFAULT_KAFKA_VERSION);
}

/** Parses `X.Y.Z`; only KRaft-capable lines (3.5 and later) are accepted. */
export function parseKafkaVersion(text: string): KafkaVersion {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (!match) throw new HarnessUsageError(`KAFKA_VERSION "${text}" is not a release number like 3.9.1 or 4.1.1`);
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (major < 3 || (major === 3 && minor < 5)) {
    throw new HarnessUsageError(`KAFKA_VERSION ${text} is too old: the harness runs KRaft brokers, use 3.5.0 or later`);
  }
  return { text, major, minor, patch };
}

/** Logging jars and config for a release line. */
export function loggingFor(version: KafkaVersion): LoggingSetup {
  if (version.major === 3) {
    return {
      mavenProfile: 'reload4j',
      mavenProperties: {},
      configFileName: 'log4j.properties',
      configText: [
        'log4j.rootLogger=WARN, stdout',
        'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
        'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
        'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
        // The readiness line comes from this logger.
        'log4j.logger.kafka.server.KafkaRaftServer=INFO',
        '',
      ].join('\n'),
      jvmOption: (path) => `-Dlog4j.configuration=file:${path}`,
    };
  }
  const newer = version.major > 4 || version.minor >= 2 || version.patch >= 2;
  return {
    mavenProfile: 'log4j2',
    mavenProperties: { 'log4j2.version': newer ? LOG4J2_NEW : LOG4J2_OLD },
    configFileName: 'log4j2.properties',
    configText: [
      'appender.console.type=Console',
      'appender.console.name=STDOUT',
      'appender.console.layout.type=PatternLayout',
      'appender.console.layout.pattern=[%d] %p %m (%c)%n',
      'rootLogger.level=WARN',
      'rootLogger.appenderRef.stdout.ref=STDOUT',
      'logger.raftserver.name=kafka.server.KafkaRaftServer',
      'logger.raftserver.level=INFO',
      '',
    ].join('\n'),
    jvmOption: (path) => `-Dlog4j2.configurationFile=${path}`,
  };
}

/** Broker properties only some release lines know (4.x share-group state topic). */
export function versionSpecificProperties(version: KafkaVersion, replicationFactor: number, minIsr: number): Record<string, string> {
  if (version.major < 4) return {};
  return {
    'share.coordinator.state.topic.replication.factor': String(replicationFactor),
    'share.coordinator.state.topic.min.isr': String(minIsr),
  };
}

/** Main classes of Kafka's Java command-line tools, which moved between release lines. */
export interface ToolClasses {
  readonly consoleProducer: string;
  readonly consoleConsumer: string;
  readonly dumpLogSegments: string;
}

/**
 * The tool classes of a release line (checked against the jars of 3.9.1 and 4.4.0): the console
 * consumer is `org.apache.kafka.tools.consumer` since 3.7; 4.x moved the console producer and
 * DumpLogSegments out of the Scala `kafka.tools` package.
 */
export function toolClassesFor(version: KafkaVersion): ToolClasses {
  const consoleConsumer = 'org.apache.kafka.tools.consumer.ConsoleConsumer';
  if (version.major < 4) {
    return { consoleProducer: 'kafka.tools.ConsoleProducer', consoleConsumer, dumpLogSegments: 'kafka.tools.DumpLogSegments' };
  }
  return {
    consoleProducer: 'org.apache.kafka.tools.ConsoleProducer',
    consoleConsumer,
    dumpLogSegments: 'org.apache.kafka.tools.DumpLogSegments',
  };
}
