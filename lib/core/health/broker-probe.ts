import { describeCause } from '../errors.js';
import type { KafkaJsSecurity } from '../security.js';
import { withDeadline } from '../time-limit.js';
import type { BrokerHealth } from './health-types.js';
import { kafkaErrorName, SingleBrokerConnection, type RawMetadata } from './single-broker-connection.js';

/** Something that can send a metadata request to one broker (the real one, or a test double). */
export interface MetadataSource {
  fetchMetadata(topics: readonly string[]): Promise<RawMetadata>;
  close(): Promise<void>;
}

/** Settings of a {@link BrokerProbe}. */
export interface BrokerProbeOptions {
  readonly address: string;
  readonly clientId: string;
  readonly security: KafkaJsSecurity;
  /** Longest time one probe of this broker may take, ms (both attempts together). */
  readonly timeoutMs: number;
}

/**
 * Probes ONE broker address: sends it a metadata request for the checked topics and reports
 * whether it answered and knows them. Like the Go original, it makes up to two attempts and
 * reopens the connection between them (a socket the broker closed while idle is the usual cause
 * of a first failure); unlike it, the whole probe is bounded by `timeoutMs`, so a black-holed
 * address cannot stall a health check.
 */
export class BrokerProbe {
  readonly address: string;
  private readonly timeoutMs: number;
  private readonly connection: MetadataSource;

  constructor(options: BrokerProbeOptions, connection?: MetadataSource) {
    this.address = options.address;
    this.timeoutMs = options.timeoutMs;
    const [host, port] = splitAddress(options.address);
    this.connection =
      connection ??
      new SingleBrokerConnection({ host, port, clientId: options.clientId, security: options.security, timeoutMs: options.timeoutMs });
  }

  /** Probes the broker for `topics`. Never rejects: failures are reported in the result. */
  async probe(topics: readonly string[]): Promise<BrokerHealth> {
    const deadline = Date.now() + this.timeoutMs;
    let lastError: unknown;
    for (let attempt = 1; attempt <= 2; attempt++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      try {
        const metadata = await withDeadline(
          this.connection.fetchMetadata(topics),
          remaining,
          `no answer from ${this.address} within ${this.timeoutMs} ms`,
        );
        return topicHealth(this.address, topics, metadata);
      } catch (error) {
        lastError = error;
        // Drop the (possibly half-open) connection so the next attempt or check starts clean.
        await this.connection.close();
      }
    }
    return {
      address: this.address,
      reachable: false,
      hasTopic: false,
      missingTopics: [],
      reason: lastError === undefined ? `no answer within ${this.timeoutMs} ms` : describeCause(lastError),
    };
  }

  /** Closes the connection to the broker. Never rejects. */
  close(): Promise<void> {
    return this.connection.close();
  }
}

/** Per-broker result from a metadata response: which of `topics` the broker really knows. */
export function topicHealth(address: string, topics: readonly string[], metadata: RawMetadata): BrokerHealth {
  const missing: string[] = [];
  const reasons: string[] = [];
  for (const topic of topics) {
    const entry = metadata.topicMetadata.find((t) => t.topic === topic);
    if (!entry) {
      missing.push(topic);
      reasons.push(`topic ${topic} absent from metadata`);
    } else if (entry.topicErrorCode !== 0) {
      missing.push(topic);
      reasons.push(`topic ${topic}: ${kafkaErrorName(entry.topicErrorCode)}`);
    } else if (entry.partitionMetadata.length === 0) {
      missing.push(topic);
      reasons.push(`topic ${topic} has no partitions`);
    }
  }
  return {
    address,
    reachable: true,
    hasTopic: missing.length === 0,
    missingTopics: missing,
    ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}),
  };
}

function splitAddress(address: string): [string, number] {
  const trimmed = address.trim();
  const colon = trimmed.lastIndexOf(':');
  return [trimmed.slice(0, colon), Number(trimmed.slice(colon + 1))];
}
