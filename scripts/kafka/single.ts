/** Topology 1: one combined KRaft node with a PLAINTEXT client listener. */
import { EmbeddedKafka } from './embedded-kafka.js';
import type { KafkaVersion } from './versions.js';

/** Options of {@link startSingleNode}. */
export interface SingleNodeOptions {
  /** Kafka release; defaults to `KAFKA_VERSION` or DEFAULT_KAFKA_VERSION (4.4.0). */
  readonly version?: KafkaVersion;
  /** Client port; picked free when omitted. A taken port is a {@link PortTakenError}. */
  readonly port?: number;
  /** Time limit for start-up. */
  readonly startTimeoutMs?: number;
  /** Also append the JVM's output to this file. */
  readonly logFile?: string;
}

/** Starts one PLAINTEXT node and waits until it is ready. */
export function startSingleNode(options: SingleNodeOptions = {}): Promise<EmbeddedKafka> {
  return EmbeddedKafka.start({
    nodes: 1,
    listeners: [{ name: 'PLAINTEXT', protocol: 'PLAINTEXT' }],
    interBrokerListener: 'PLAINTEXT',
    version: options.version,
    fixedPort: options.port,
    startTimeoutMs: options.startTimeoutMs,
    logFile: options.logFile,
  });
}
