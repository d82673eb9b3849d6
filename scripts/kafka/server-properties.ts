/**
 * KRaft `server.properties` for test brokers: combined broker+controller nodes with a static
 * `controller.quorum.voters` list (works unchanged on 3.x and 4.x and needs no quorum flag when
 * formatting), loopback listeners, and internal topics sized to the cluster.
 */
import { writeFile } from 'node:fs/promises';
import { LOOPBACK } from './ports.js';
import { versionSpecificProperties, type KafkaVersion } from './versions.js';

/** Broker properties as key/value pairs. */
export type ServerProperties = Record<string, string>;

/** One listener of a node. */
export interface ListenerSpec {
  /** Listener name, e.g. `PLAINTEXT`, `SSL`, `SASL_SSL`, `CONTROLLER`. */
  readonly name: string;
  /** Security protocol of the listener. */
  readonly protocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
  readonly port: number;
}

/** Everything that varies between nodes and topologies. */
export interface NodePropertiesSpec {
  readonly version: KafkaVersion;
  readonly nodeId: number;
  /** `id@127.0.0.1:port` of every controller. */
  readonly voters: readonly { id: number; port: number }[];
  /** The controller listener's port on this node. */
  readonly controllerPort: number;
  /** Client-facing and inter-broker listeners (not the controller). */
  readonly listeners: readonly ListenerSpec[];
  /** Name of the listener brokers use among themselves. */
  readonly interBrokerListener: string;
  readonly dataDir: string;
  /** Number of nodes: sizes replication of internal topics. */
  readonly clusterSize: number;
  /** Anything else (TLS, SASL, ACLs, timeouts); wins over the defaults. */
  readonly extra?: ServerProperties;
}

/** Builds one node's properties. */
export function nodeProperties(spec: NodePropertiesSpec): ServerProperties {
  const rf = Math.min(3, spec.clusterSize);
  const minIsr = Math.max(1, rf - 1);
  const listeners = [...spec.listeners, { name: 'CONTROLLER', protocol: 'PLAINTEXT' as const, port: spec.controllerPort }];
  return {
    'process.roles': 'broker,controller',
    'node.id': String(spec.nodeId),
    'controller.quorum.voters': spec.voters.map((v) => `${v.id}@${LOOPBACK}:${v.port}`).join(','),
    'controller.listener.names': 'CONTROLLER',
    listeners: listeners.map((l) => `${l.name}://${LOOPBACK}:${l.port}`).join(','),
    'advertised.listeners': spec.listeners.map((l) => `${l.name}://${LOOPBACK}:${l.port}`).join(','),
    'listener.security.protocol.map': listeners.map((l) => `${l.name}:${l.protocol}`).join(','),
    'inter.broker.listener.name': spec.interBrokerListener,
    'log.dirs': spec.dataDir,
    'num.partitions': '1',
    'default.replication.factor': String(rf),
    'min.insync.replicas': String(minIsr),
    // The defaults (3 replicas) would never create __consumer_offsets on a single node.
    'offsets.topic.replication.factor': String(rf),
    'offsets.topic.num.partitions': '1',
    'transaction.state.log.replication.factor': String(rf),
    'transaction.state.log.min.isr': String(minIsr),
    'transaction.state.log.num.partitions': '1',
    // Tests join groups constantly; the default 3 s delay only slows them down.
    'group.initial.rebalance.delay.ms': '0',
    'auto.create.topics.enable': 'true',
    'num.network.threads': '2',
    'num.io.threads': '4',
    'log.segment.bytes': String(16 * 1024 * 1024),
    ...versionSpecificProperties(spec.version, rf, minIsr),
    ...spec.extra,
  };
}

/** Writes properties in Java's `.properties` syntax. */
export async function writeProperties(file: string, properties: ServerProperties): Promise<void> {
  const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  const body = Object.entries(properties)
    .map(([k, v]) => `${k}=${escape(v)}`)
    .join('\n');
  await writeFile(file, `${body}\n`);
}
