/**
 * A set of KRaft nodes started from the cached jars: the shared machinery behind the single-node,
 * three-node and TLS topologies. Start-up order: jars -> temp dir -> free ports -> properties ->
 * StorageTool format (in parallel) -> launch every JVM at once (a quorum needs a majority) ->
 * "Kafka Server started" on each -> kafkajs describeCluster() lists every node.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KafkaConfig } from 'kafkajs';
import { BrokerProcess, DEFAULT_STOP_GRACE_MS } from './broker-process.js';
import { HarnessUsageError, KafkaHarnessError, PortTakenError } from './errors.js';
import { ensureKafkaJars } from './fetch.js';
import { assertPortFree, freePorts, LOOPBACK } from './ports.js';
import { waitForCluster } from './readiness.js';
import { releaseDir, trackDir } from './registry.js';
import { nodeProperties, writeProperties, type ListenerSpec, type ServerProperties } from './server-properties.js';
import { formatStorage, newClusterId, type ScramCredential } from './storage.js';
import { kafkaVersionFromEnv, loggingFor, type KafkaVersion } from './versions.js';

/** Default time limit for one node to become ready. */
export const DEFAULT_START_TIMEOUT_MS = 90_000;
/** Attempts with fresh ports when a port picked as free was taken before the broker bound it. */
const PORT_RACE_ATTEMPTS = 3;

/** Listener names and protocols of one node; the ports are picked by the harness. */
export interface ListenerTemplate {
  readonly name: string;
  readonly protocol: ListenerSpec['protocol'];
}

/** How to build a set of nodes. */
export interface EmbeddedKafkaOptions {
  /** Number of combined broker+controller nodes (node ids 1..n). */
  readonly nodes: number;
  /** Client listeners; the first one is what {@link EmbeddedKafka.brokers} lists. */
  readonly listeners: readonly ListenerTemplate[];
  /** Listener the brokers use among themselves (must be one of `listeners`). */
  readonly interBrokerListener: string;
  /** Kafka release; defaults to `KAFKA_VERSION` or DEFAULT_KAFKA_VERSION (4.4.0). */
  readonly version?: KafkaVersion;
  /** Per-node extra properties (TLS, ACLs, timeouts). */
  readonly extraProperties?: (nodeId: number, dir: string) => ServerProperties;
  /** SCRAM users created at format time. */
  readonly scram?: readonly ScramCredential[];
  /** kafkajs settings (TLS/SASL) the readiness check needs for the first listener; called after `prepare`. */
  readonly readinessClient?: () => Partial<KafkaConfig>;
  /** Time limit for start-up (and for each restart of one node). */
  readonly startTimeoutMs?: number;
  /** Replaces the default JVM options. */
  readonly jvmOptions?: readonly string[];
  /** Also append every JVM's output to this file. */
  readonly logFile?: string;
  /** Called with the temp dir before ports are picked (e.g. to write certificates). */
  readonly prepare?: (dir: string) => Promise<void>;
  /** Fixed port for the first listener of node 1 (only with one node); fails if taken. */
  readonly fixedPort?: number;
}

/** One node of a running set. */
export interface EmbeddedNode {
  /** Kafka's `node.id`: 1..n. */
  readonly nodeId: number;
  /** `127.0.0.1:port` per client listener name. */
  readonly addresses: Readonly<Record<string, string>>;
  /** The node's data folder. */
  readonly dataDir: string;
  /** True while its JVM runs. */
  readonly running: boolean;
  /** Guard process id (the JVM's process group), while running. */
  readonly pid: number | undefined;
}

interface NodeState {
  nodeId: number;
  addresses: Record<string, string>;
  dataDir: string;
  propertiesFile: string;
  process: BrokerProcess | undefined;
}

/** A running set of KRaft nodes. Create with {@link EmbeddedKafka.start}. */
export class EmbeddedKafka {
  /** Milliseconds from the call to {@link EmbeddedKafka.start} until ready. */
  startupMs = 0;
  private closed = false;

  private constructor(
    private readonly options: EmbeddedKafkaOptions,
    readonly version: KafkaVersion,
    /** Temp folder holding configs, data and certificates; deleted by {@link close}. */
    readonly dir: string,
    private readonly libsDir: string,
    private readonly loggingOption: string,
    private readonly states: NodeState[],
  ) {}

  /** Starts every node and waits until the cluster is really ready. */
  static async start(options: EmbeddedKafkaOptions): Promise<EmbeddedKafka> {
    const started = Date.now();
    validate(options);
    if (options.fixedPort !== undefined) await assertPortFree(options.fixedPort);
    const version = options.version ?? kafkaVersionFromEnv();
    const { libsDir } = await ensureKafkaJars(version);
    for (let attempt = 1; ; attempt++) {
      const kafka = await EmbeddedKafka.prepare(options, version, libsDir);
      try {
        await kafka.launchAll();
        kafka.startupMs = Date.now() - started;
        return kafka;
      } catch (err) {
        await kafka.close({ graceful: false });
        const retry = err instanceof PortTakenError && options.fixedPort === undefined && attempt < PORT_RACE_ATTEMPTS;
        if (!retry) throw err;
      }
    }
  }

  private static async prepare(options: EmbeddedKafkaOptions, version: KafkaVersion, libsDir: string): Promise<EmbeddedKafka> {
    const dir = await mkdtemp(join(tmpdir(), 'kafka-harness-'));
    trackDir(dir);
    try {
      const logging = loggingFor(version);
      const loggingFile = join(dir, logging.configFileName);
      await writeFile(loggingFile, logging.configText);
      await options.prepare?.(dir);
      const perNode = options.listeners.length + 1;
      const ports = await freePorts(options.nodes * perNode);
      if (options.fixedPort !== undefined) ports[0] = options.fixedPort;
      const voters = Array.from({ length: options.nodes }, (_, i) => ({ id: i + 1, port: ports[i * perNode + perNode - 1]! }));
      const states: NodeState[] = [];
      for (let i = 0; i < options.nodes; i++) {
        const nodeId = i + 1;
        const listeners = options.listeners.map((l, k) => ({ ...l, port: ports[i * perNode + k]! }));
        const dataDir = join(dir, `node-${nodeId}`, 'data');
        const propertiesFile = join(dir, `node-${nodeId}`, 'server.properties');
        await mkdir(dataDir, { recursive: true });
        const properties = nodeProperties({
          version,
          nodeId,
          voters,
          controllerPort: voters[i]!.port,
          listeners,
          interBrokerListener: options.interBrokerListener,
          dataDir,
          clusterSize: options.nodes,
          extra: options.extraProperties?.(nodeId, dir),
        });
        await writeProperties(propertiesFile, properties);
        const addresses = Object.fromEntries(listeners.map((l) => [l.name, `${LOOPBACK}:${l.port}`]));
        states.push({ nodeId, addresses, dataDir, propertiesFile, process: undefined });
      }
      const kafka = new EmbeddedKafka(options, version, dir, libsDir, logging.jvmOption(loggingFile), states);
      const clusterId = newClusterId();
      await Promise.all(
        states.map((s) =>
          formatStorage({
            libsDir,
            loggingOption: kafka.loggingOption,
            propertiesFile: s.propertiesFile,
            clusterId,
            nodeId: s.nodeId,
            scram: options.scram,
          }),
        ),
      );
      return kafka;
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      releaseDir(dir);
      throw err;
    }
  }

  /** Bootstrap addresses (`host:port`) of the first client listener of every node. */
  get brokers(): string[] {
    return this.brokersOf(this.options.listeners[0]!.name);
  }

  /** Bootstrap addresses of a named client listener. */
  brokersOf(listener: string): string[] {
    return this.states.map((s) => s.addresses[listener]).filter((a): a is string => a !== undefined);
  }

  /** A snapshot of every node. */
  get nodes(): EmbeddedNode[] {
    return this.states.map((s) => ({
      nodeId: s.nodeId,
      addresses: { ...s.addresses },
      dataDir: s.dataDir,
      running: s.process?.running ?? false,
      pid: s.process?.pid,
    }));
  }

  /** Last lines of a node's output (or of every node). */
  logTail(nodeId?: number): string {
    return this.states
      .filter((s) => nodeId === undefined || s.nodeId === nodeId)
      .map((s) => `--- node ${s.nodeId} ---\n${s.process?.log.text() ?? '(not running)'}`)
      .join('\n');
  }

  /** Graceful stop of one node (SIGTERM, SIGKILL after `graceMs`); its data is kept for {@link startNode}. */
  async stopNode(nodeId: number, graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> {
    const state = this.state(nodeId);
    await state.process?.stop(graceMs);
  }

  /** Crash one node (SIGKILL); its data is kept for {@link startNode}. */
  async killNode(nodeId: number): Promise<void> {
    const state = this.state(nodeId);
    await state.process?.kill();
  }

  /**
   * Freezes one node's JVM (SIGSTOP to its process group, then SIGCONT to the guard alone): the
   * broker stops answering without closing a socket, like a long GC pause or a hung host. The
   * guard keeps running, so the JVM is still killed if this process dies. Undo with {@link thawNode}.
   */
  freezeNode(nodeId: number): void {
    const pid = this.runningPid(nodeId);
    process.kill(-pid, 'SIGSTOP');
    process.kill(pid, 'SIGCONT');
  }

  /** Resumes a node frozen by {@link freezeNode}. */
  thawNode(nodeId: number): void {
    process.kill(-this.runningPid(nodeId), 'SIGCONT');
  }

  /** Starts a stopped node again on the same ports and data, and waits until every running node is listed. */
  async startNode(nodeId: number): Promise<void> {
    const state = this.state(nodeId);
    if (state.process?.running) return;
    const timeoutMs = this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    state.process = this.launch(state);
    await state.process.waitUntilStarted(deadline, timeoutMs);
    await this.waitForRunningNodes(deadline, timeoutMs);
  }

  /**
   * Stops every node and deletes the temp folder. Graceful (SIGTERM, then SIGKILL after the grace
   * period) by default for one node; a multi-node cluster is SIGKILLed at once, since controlled
   * shutdown of the last nodes can wait forever for a quorum that is already gone.
   */
  async close(options: { graceful?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const graceful = options.graceful ?? this.states.length === 1;
    await Promise.all(this.states.map(async (s) => void (await (graceful ? s.process?.stop() : s.process?.kill()))));
    await rm(this.dir, { recursive: true, force: true });
    releaseDir(this.dir);
  }

  private async launchAll(): Promise<void> {
    const timeoutMs = this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    for (const state of this.states) state.process = this.launch(state);
    await Promise.all(this.states.map((s) => s.process!.waitUntilStarted(deadline, timeoutMs)));
    await this.waitForRunningNodes(deadline, timeoutMs);
  }

  private launch(state: NodeState): BrokerProcess {
    return BrokerProcess.launch({
      nodeId: state.nodeId,
      libsDir: this.libsDir,
      propertiesFile: state.propertiesFile,
      loggingOption: this.loggingOption,
      cleanupDir: this.dir,
      jvmOptions: this.options.jvmOptions,
      logFile: this.options.logFile,
    });
  }

  private async waitForRunningNodes(deadline: number, timeoutMs: number): Promise<void> {
    const running = this.states.filter((s) => s.process?.running);
    await waitForCluster({
      brokers: running.map((s) => s.addresses[this.options.listeners[0]!.name]!),
      expectedNodes: running.length,
      deadline,
      timeoutMs,
      clientConfig: this.options.readinessClient?.(),
      logTail: () => this.logTail(),
    });
  }

  private runningPid(nodeId: number): number {
    const pid = this.state(nodeId).process?.running ? this.state(nodeId).process?.pid : undefined;
    if (pid === undefined) throw new HarnessUsageError(`kafka node ${nodeId} is not running`);
    return pid;
  }

  private state(nodeId: number): NodeState {
    if (this.closed) throw new KafkaHarnessError('the embedded Kafka is closed');
    const state = this.states.find((s) => s.nodeId === nodeId);
    if (!state) throw new HarnessUsageError(`no kafka node ${nodeId}: node ids are 1..${this.states.length}`);
    return state;
  }
}

function validate(options: EmbeddedKafkaOptions): void {
  if (!Number.isInteger(options.nodes) || options.nodes < 1)
    throw new HarnessUsageError(`nodes must be a positive integer, got ${options.nodes}`);
  if (options.listeners.length === 0) throw new HarnessUsageError('at least one client listener is needed');
  if (!options.listeners.some((l) => l.name === options.interBrokerListener)) {
    throw new HarnessUsageError(`interBrokerListener ${options.interBrokerListener} is not one of the listeners`);
  }
  if (options.fixedPort !== undefined && options.nodes !== 1) throw new HarnessUsageError('fixedPort needs exactly one node');
}
