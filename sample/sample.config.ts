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
  /**
   * The Confluent-compatible API of a schema registry, when one is configured: then the events are
   * carried through it (registry framing, auto-registered schema). `SCHEMA_REGISTRY_API_URL` is that
   * API's URL (e.g. Confluent's `http://localhost:8081`); `SCHEMA_REGISTRY_URL` is the base URL of
   * the project's Apicurio (`npm run registry:up` prints it), whose API is under `/apis/ccompat/v7`.
   */
  readonly schemaRegistryUrl: string | undefined;

  constructor(env: Readonly<Record<string, string | undefined>> = process.env) {
    this.kafka = kafkaConfigFromEnv(env);
    const apicurio = env.SCHEMA_REGISTRY_URL?.trim().replace(/\/+$/, '');
    this.schemaRegistryUrl = env.SCHEMA_REGISTRY_API_URL?.trim() || (apicurio ? `${apicurio}/apis/ccompat/v7` : undefined);
    // Framed and plain events never share a topic: a plain record would fail a registry group.
    this.eventsTopic = env.SAMPLE_EVENTS_TOPIC || (this.schemaRegistryUrl ? 'sample-events-registry' : 'sample-events');
    this.auditTopic = env.SAMPLE_AUDIT_TOPIC || 'sample-audit';
    this.groupPrefix = env.SAMPLE_GROUP_PREFIX || 'sample';
    this.port = Number(env.PORT || 3000);
  }
}
