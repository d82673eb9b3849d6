import type { Socket } from 'node:net';
import { logLevel, type logCreator } from 'kafkajs';
import type { KafkaJsSecurity } from '../security.js';

/*
 * kafkajs' public API is cluster-level: an admin client sends a metadata request to whichever
 * broker it happens to be connected to, so it cannot tell whether ONE given broker answers. The
 * health probe needs exactly that, so it drives kafkajs' own `Broker` + `ConnectionPool` (the
 * objects kafkajs uses for each node) for a single address. These are internal modules of
 * kafkajs 2.2.4, which this package pins exactly; `test/unit/health` checks their shape so an
 * upgrade that moves them fails loudly instead of silently.
 */

/** One topic of a decoded metadata response (kafkajs' field names). */
export interface RawTopicMetadata {
  readonly topicErrorCode: number;
  readonly topic: string;
  readonly partitionMetadata: readonly { readonly partitionErrorCode: number; readonly partitionId: number; readonly leader?: number }[];
}

/** The decoded metadata response, before kafkajs' `parse` would throw on error codes. */
export interface RawMetadata {
  readonly brokers: readonly { readonly nodeId: number; readonly host: string; readonly port: number }[];
  readonly topicMetadata: readonly RawTopicMetadata[];
}

interface ProtocolResponse {
  decode(raw: Buffer): Promise<unknown>;
  parse(data: unknown): Promise<unknown>;
}
interface ProtocolRequest {
  request: unknown;
  response: ProtocolResponse;
}
type MetadataRequestFactory = (args: { topics: string[]; allowAutoTopicCreation: boolean }) => ProtocolRequest;

interface InternalConnectionPool {
  send(request: ProtocolRequest & { requestTimeout?: number; logResponseError?: boolean }): Promise<unknown>;
}
interface InternalBroker {
  readonly connectionPool: InternalConnectionPool;
  isConnected(): boolean;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  lookupRequest(apiKey: number, definition: unknown): MetadataRequestFactory;
}
type BrokerConstructor = new (options: {
  connectionPool: unknown;
  logger: unknown;
  allowAutoTopicCreation: boolean;
  authenticationTimeout: number;
}) => InternalBroker;
type ConnectionPoolConstructor = new (options: Record<string, unknown>) => InternalConnectionPool;

interface KafkaJsInternals {
  Broker: BrokerConstructor;
  ConnectionPool: ConnectionPoolConstructor;
  createLogger: (options: { level: logLevel; logCreator: logCreator }) => unknown;
  socketFactory: () => (args: { host: string; port: number; ssl: unknown; onConnect: () => void }) => Socket;
  metadataApiKey: number;
  metadataDefinition: unknown;
  errorCodes: readonly { readonly type: string; readonly code: number }[];
}

let internals: KafkaJsInternals | undefined;

/** Loads (once) the kafkajs internals the probe needs; throws if their shape changed. */
export function loadKafkaJsInternals(): KafkaJsInternals {
  /* eslint-disable @typescript-eslint/no-require-imports -- untyped deep kafkajs internals, loaded on first use */
  if (internals) return internals;
  const loaded: KafkaJsInternals = {
    Broker: require('kafkajs/src/broker/index.js') as BrokerConstructor,
    ConnectionPool: require('kafkajs/src/network/connectionPool.js') as ConnectionPoolConstructor,
    createLogger: (require('kafkajs/src/loggers/index.js') as { createLogger: KafkaJsInternals['createLogger'] }).createLogger,
    socketFactory: require('kafkajs/src/network/socketFactory.js') as KafkaJsInternals['socketFactory'],
    metadataApiKey: (require('kafkajs/src/protocol/requests/apiKeys.js') as { Metadata: number }).Metadata,
    metadataDefinition: (require('kafkajs/src/protocol/requests/index.js') as { requests: { Metadata: unknown } }).requests.Metadata,
    errorCodes: (require('kafkajs/src/protocol/error.js') as { errorCodes: KafkaJsInternals['errorCodes'] }).errorCodes,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const shapeOk =
    typeof loaded.Broker === 'function' &&
    typeof loaded.ConnectionPool === 'function' &&
    typeof loaded.createLogger === 'function' &&
    typeof loaded.socketFactory === 'function' &&
    loaded.metadataApiKey === 3 &&
    typeof loaded.metadataDefinition === 'object' &&
    loaded.metadataDefinition !== null &&
    Array.isArray(loaded.errorCodes);
  if (!shapeOk) throw new Error('unsupported kafkajs version: the internals used by the health probe have changed');
  internals = loaded;
  return loaded;
}

/** The Kafka protocol name of an error code, e.g. 3 → `UNKNOWN_TOPIC_OR_PARTITION`. */
export function kafkaErrorName(code: number): string {
  return loadKafkaJsInternals().errorCodes.find((e) => e.code === code)?.type ?? `error code ${code}`;
}

/** Settings of a {@link SingleBrokerConnection}. */
export interface SingleBrokerConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly clientId: string;
  readonly security: KafkaJsSecurity;
  /** Connect, authentication and request timeout, ms. */
  readonly timeoutMs: number;
}

// Never route probe chatter (e.g. a refused connection every second) to the user's logs: the
// outcome of every probe is reported in the health report itself.
const silentLogCreator: logCreator = () => () => {};

/**
 * A connection to exactly one broker address, kept open between probes (like the Go original's
 * long-lived per-broker object) and reopened after a failure. Its sockets are unref'd so a
 * forgotten checker never keeps the process alive.
 */
export class SingleBrokerConnection {
  private broker: InternalBroker | undefined;

  constructor(private readonly options: SingleBrokerConnectionOptions) {}

  /** Sends one metadata request for `topics` to this broker (never auto-creating them). */
  async fetchMetadata(topics: readonly string[]): Promise<RawMetadata> {
    const broker = this.broker ?? this.createBroker();
    try {
      if (!broker.isConnected()) await broker.connect();
      const k = loadKafkaJsInternals();
      const { request, response } = broker.lookupRequest(
        k.metadataApiKey,
        k.metadataDefinition,
      )({
        topics: [...topics],
        allowAutoTopicCreation: false,
      });
      // Keep kafkajs' decoder but skip its parse step, which throws on the first topic error code:
      // the probe wants to see every topic's code itself.
      const raw = await broker.connectionPool.send({
        request,
        response: { decode: (data) => response.decode(data), parse: async (data) => data },
        requestTimeout: this.options.timeoutMs,
        logResponseError: false,
      });
      return raw as RawMetadata;
    } finally {
      // close() ran while this request was under way: do not leave its connection open.
      if (this.broker !== broker) await broker.disconnect().catch(() => undefined);
    }
  }

  /** Closes the connection; the next probe opens a new one. Never rejects. */
  async close(): Promise<void> {
    const broker = this.broker;
    this.broker = undefined;
    if (!broker) return;
    try {
      await broker.disconnect();
    } catch {
      // a broken socket is being dropped anyway
    }
  }

  private createBroker(): InternalBroker {
    const k = loadKafkaJsInternals();
    const { host, port, clientId, security, timeoutMs } = this.options;
    const baseFactory = k.socketFactory();
    const connectionPool = new k.ConnectionPool({
      host,
      port,
      clientId,
      ssl: security.ssl,
      sasl: security.sasl,
      connectionTimeout: timeoutMs,
      requestTimeout: timeoutMs,
      enforceRequestTimeout: true,
      socketFactory: (args: Parameters<ReturnType<KafkaJsInternals['socketFactory']>>[0]) => baseFactory(args).unref(),
      logger: k.createLogger({ level: logLevel.NOTHING, logCreator: silentLogCreator }),
    });
    this.broker = new k.Broker({
      connectionPool,
      logger: k.createLogger({ level: logLevel.NOTHING, logCreator: silentLogCreator }),
      allowAutoTopicCreation: false,
      authenticationTimeout: timeoutMs,
    });
    return this.broker;
  }
}
