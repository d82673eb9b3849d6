import { kafkaConfigFromEnv, type KafkaEnvConfig } from '../lib/index.js';

/** Everything the sample reads from its environment, read once at start-up. */
export class SampleConfig {
  /** Brokers and TLS settings from KAFKA_ADDR / KAFKA_SEC_*. */
  readonly kafka: KafkaEnvConfig;
  /** Topic POST /events writes to and the events group reads. */
  readonly eventsTopic: string;
  /** Topic the events handler writes an audit record to, read in batches. */
  readonly auditTopic: string;
  /** Prefix of the consumer group ids. */
  readonly groupPrefix: string;
  /** HTTP port. */
  readonly port: number;

  constructor(env: Readonly<Record<string, string | undefined>> = process.env) {
    this.kafka = kafkaConfigFromEnv(env);
    this.eventsTopic = env.SAMPLE_EVENTS_TOPIC || 'sample-events';
    this.auditTopic = env.SAMPLE_AUDIT_TOPIC || 'sample-audit';
    this.groupPrefix = env.SAMPLE_GROUP_PREFIX || 'sample';
    this.port = Number(env.PORT || 3000);
  }
}
