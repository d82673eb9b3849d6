/**
 * The schema registry's cost (issue 28): registry-framed `send()` and handler against plain Avro
 * in the same run, on the real broker (`KAFKA_ADDR`, or the embedded one) and a real registry
 * (`SCHEMA_REGISTRY_URL`, or Apicurio started here), and the cost of the first record of a new
 * schema. Run: `npm run build && node dist/bench/registry.js [records] [rounds]`.
 *
 * Each round runs both modes in turn (the order alternates), each on a fresh topic: N awaited
 * sends in windows of 1,000, then a fresh group handling the N records (`message.decode(schema)`
 * in the handler). Figures: records/s (wall) and CPU µs per record (this process), medians over
 * the rounds; the ratio is registry / plain. `node dist/bench/registry.js --in-process` runs only
 * the comparison without broker and registry.
 */
import { KafkaConsumerGroup } from '../lib/core/consumer/kafka-consumer-group.js';
import { silentLogger } from '../lib/core/logger.js';
import { KafkaProducer } from '../lib/core/producer/kafka-producer.js';
import { createSchemaRegistryClient } from '../lib/core/registry/registry-cache.js';
import { AvroRegistryDeserializer } from '../lib/core/registry/avro-registry-deserializer.js';
import type { SchemaRegistry } from '../lib/core/registry/schema-registry.js';
import { createTopic, uniqueName } from '../test/support/env.js';
import { startTestRegistry } from '../test/support/registry.js';
import { openBenchBroker } from './broker.js';
import { BENCH_EVENT as EVENT, BENCH_ORDER as ORDER } from '../test/support/registry-schemas.js';
import { encodeAvro } from '../lib/core/avro.js';
import { KafkaMessage } from '../lib/core/message.js';
import { decodingMessageHandler, registryDecodingOf } from '../lib/core/consumer/registry-decoding.js';
import { WriterSchemas } from '../lib/core/registry/writer-schemas.js';
import { InMemorySchemaRegistry } from '../lib/testing/in-memory-schema-registry.js';

const WINDOW = 1_000;
const PARTITIONS = 4;

type Mode = 'plain' | 'registry';

interface Figures {
  readonly rate: number;
  readonly cpuUs: number;
}

// `--in-process`: only the comparison without broker and registry.
const inProcessOnly = process.argv[2] === '--in-process';
const records = Number(inProcessOnly ? 0 : (process.argv[2] ?? 20_000));
const rounds = Number(process.argv[3] ?? 5);

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

async function measure(count: number, run: () => Promise<void>): Promise<Figures> {
  const cpu = cpuMicros();
  const started = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { rate: count / seconds, cpuUs: (cpuMicros() - cpu) / count };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function sendRound(brokers: string[], mode: Mode, registryUrl: string): Promise<{ topic: string; send: Figures }> {
  const topic = uniqueName(`bench-registry-${mode}`);
  await createTopic(topic, PARTITIONS, brokers);
  const registry = createSchemaRegistryClient({ url: registryUrl });
  const producer = new KafkaProducer({
    brokers,
    topic,
    logger: silentLogger,
    kafkaJsLogLevel: 'nothing',
    ...(mode === 'registry' && { schemaRegistry: { registry, autoRegister: true } }),
  });
  await producer.waitUntilInitialised();
  await producer.send(ORDER, EVENT); // warm: the registry id is known from here on
  const send = await measure(records, async () => {
    for (let sent = 0; sent < records; sent += WINDOW) {
      await Promise.all(Array.from({ length: Math.min(WINDOW, records - sent) }, () => producer.send(ORDER, EVENT)));
    }
  });
  await producer.close();
  return { topic, send };
}

async function handleRound(brokers: string[], mode: Mode, topic: string, registryUrl: string): Promise<Figures> {
  const total = records + 1; // the warm-up record too
  let handled = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const group = new KafkaConsumerGroup({
    brokers,
    topic,
    groupName: uniqueName('bench-registry-group'),
    logger: silentLogger,
    kafkaJsLogLevel: 'nothing',
    numWorkers: PARTITIONS,
    ...(mode === 'registry' && { schemaRegistry: { registry: createSchemaRegistryClient({ url: registryUrl }) } }),
  });
  group.registerHandler(async (message) => {
    message.decode(ORDER);
    if (++handled === total) done();
  });
  const figures = await measure(total, async () => {
    await group.start();
    await finished;
  });
  await group.close();
  return figures;
}

/** A registry client that counts its HTTP requests. */
function counted(url: string): { registry: SchemaRegistry; requests: () => number } {
  let requests = 0;
  const registry = createSchemaRegistryClient({
    url,
    fetch: (input, init) => {
      requests++;
      return fetch(input, init);
    },
  });
  return { registry, requests: () => requests };
}

async function firstRecordCost(brokers: string[], registryUrl: string): Promise<string[]> {
  const lines: string[] = [];
  for (const autoRegister of [true, false]) {
    const topic = uniqueName('bench-registry-first');
    await createTopic(topic, 1, brokers);
    if (!autoRegister) await createSchemaRegistryClient({ url: registryUrl }).register(`${topic}-value`, JSON.stringify(ORDER));
    const { registry, requests } = counted(registryUrl);
    const producer = new KafkaProducer({
      brokers,
      topic,
      logger: silentLogger,
      kafkaJsLogLevel: 'nothing',
      schemaRegistry: { registry, autoRegister },
    });
    await producer.waitUntilInitialised();
    await producer.sendBytes('warm the connection');
    const first = await measure(1, () => producer.send(ORDER, EVENT));
    const firstRequests = requests();
    const later: number[] = [];
    for (let n = 0; n < 200; n++) later.push(1e6 / (await measure(1, () => producer.send(ORDER, EVENT))).rate);
    lines.push(
      `| producer, ${autoRegister ? 'auto-registration (POST)' : 'latest version (GET)'} | ${(1e6 / first.rate / 1000).toFixed(1)} ms | ${(median(later) / 1000).toFixed(2)} ms | ${firstRequests} | ${requests() - firstRequests} |`,
    );
    await producer.close();
  }
  // Reading side: the first record of an unknown id fetches it once.
  const writer = createSchemaRegistryClient({ url: registryUrl });
  const id = await writer.register(uniqueName('bench-registry-read'), JSON.stringify(ORDER));
  const { AvroRegistrySerializer } = await import('../lib/core/registry/avro-registry-serializer.js');
  const bytes = await new AvroRegistrySerializer({ registry: writer }).serialize('t', ORDER, EVENT, { schemaId: id });
  const { registry, requests } = counted(registryUrl);
  const reader = new AvroRegistryDeserializer(registry);
  const first = await measure(1, () => reader.deserialize(bytes, ORDER).then(() => undefined));
  const later: number[] = [];
  for (let n = 0; n < 200; n++) later.push(1e6 / (await measure(1, () => reader.deserialize(bytes, ORDER).then(() => undefined))).rate);
  lines.push(
    `| consumer, unknown id (GET by id) | ${(1e6 / first.rate / 1000).toFixed(1)} ms | ${(median(later) / 1000).toFixed(4)} ms | ${requests()} | 0 |`,
  );
  return lines;
}

/**
 * The same comparison without the broker, where the difference is not lost in the noise: ns per
 * record of the handler step (a `KafkaMessage` built, prepared and decoded) and of encoding a
 * send's value (`encodeAvro` vs the framed encode), the fastest of 10 alternating runs of 200,000.
 */
async function inProcess(): Promise<string[]> {
  const registry = new InMemorySchemaRegistry();
  const id = await registry.register('bench-value', JSON.stringify(ORDER));
  const plainBytes = encodeAvro(ORDER, EVENT);
  const writers = new WriterSchemas({ registry, autoRegister: true });
  const writer = await writers.load('bench', ORDER, 'value');
  const framed = WriterSchemas.frame(writer, EVENT);
  let sink = 0;
  const handler = async (message: KafkaMessage): Promise<void> => {
    sink += Number(message.decode<{ amountCents: number }>(ORDER).amountCents);
  };
  const registryHandler = decodingMessageHandler(handler, registryDecodingOf({ registry })!);
  const count = 200_000;
  // Both sides alternate run by run and each keeps its fastest run: on a loaded machine a spike
  // then slows one run, not one side.
  const pair = async (plain: (n: number) => unknown, framedRun: (n: number) => unknown): Promise<[number, number]> => {
    const best: [number, number] = [Infinity, Infinity];
    for (let r = 0; r < 10; r++) {
      for (const [side, run] of [plain, framedRun].entries()) {
        const started = process.hrtime.bigint();
        for (let n = 0; n < count; n++) await run(n);
        best[side] = Math.min(best[side]!, Number(process.hrtime.bigint() - started) / count);
      }
    }
    return best;
  };
  const message = (value: Buffer, n: number) => new KafkaMessage({ topic: 'bench', partition: 0, offset: String(n), value });
  const [plainHandle, registryHandle] = await pair(
    (n) => handler(message(plainBytes, n)),
    (n) => registryHandler(message(framed, n), 1),
  );
  const [plainEncode, registryEncode] = await pair(
    () => encodeAvro(ORDER, EVENT),
    () => WriterSchemas.frame(writers.now('bench', ORDER, 'value', undefined) ?? writer, EVENT),
  );
  if (sink === 0 || id < 0) throw new Error('nothing decoded');
  return [
    '| in process (no broker) | plain Avro ns/rec | registry ns/rec | ratio (plain/registry) |',
    '|---|---|---|---|',
    `| handler step: message built, (prepared,) \`decode(schema)\` | ${plainHandle.toFixed(0)} | ${registryHandle.toFixed(0)} | ${(plainHandle / registryHandle).toFixed(2)}x |`,
    `| send's encode: \`encodeAvro\` vs cached writer + framed encode | ${plainEncode.toFixed(0)} | ${registryEncode.toFixed(0)} | ${(plainEncode / registryEncode).toFixed(2)}x |`,
  ];
}

async function main(): Promise<void> {
  const local = await inProcess();
  const broker = await openBenchBroker();
  const registry = await startTestRegistry();
  const brokers = [...broker.brokers];
  try {
    const results: Record<Mode, { send: Figures[]; handle: Figures[] }> = {
      plain: { send: [], handle: [] },
      registry: { send: [], handle: [] },
    };
    for (let round = 0; round < rounds; round++) {
      const order: Mode[] = round % 2 === 0 ? ['plain', 'registry'] : ['registry', 'plain'];
      for (const mode of order) {
        const { topic, send } = await sendRound(brokers, mode, registry.ccompatUrl);
        const handle = await handleRound(brokers, mode, topic, registry.ccompatUrl);
        results[mode].send.push(send);
        results[mode].handle.push(handle);
        process.stderr.write(
          `round ${round + 1} ${mode}: send ${send.rate.toFixed(0)}/s ${send.cpuUs.toFixed(1)} µs CPU; handler ${handle.rate.toFixed(0)}/s ${handle.cpuUs.toFixed(1)} µs CPU\n`,
        );
      }
    }
    const row = (what: 'send' | 'handle', label: string): string => {
      const plain = results.plain[what];
      const framed = results.registry[what];
      const plainRate = median(plain.map((f) => f.rate));
      const framedRate = median(framed.map((f) => f.rate));
      const plainCpu = median(plain.map((f) => f.cpuUs));
      const framedCpu = median(framed.map((f) => f.cpuUs));
      return `| ${label} | ${plainRate.toFixed(0)} | ${framedRate.toFixed(0)} | **${(framedRate / plainRate).toFixed(2)}x** | ${plainCpu.toFixed(1)} | ${framedCpu.toFixed(1)} | ${(plainCpu / framedCpu).toFixed(2)}x |`;
    };
    const lines = [
      `${records} records of ${JSON.stringify(EVENT).length} B (JSON; ~${EVENT.note.length + 30} B Avro), ${PARTITIONS} partitions, ${rounds} rounds, medians; broker: ${broker.source}; registry: ${registry.started ? 'Apicurio started by the bench' : registry.url}`,
      '',
      '| case | plain Avro rec/s | registry rec/s | ratio | plain CPU µs/rec | registry CPU µs/rec | CPU ratio (plain/registry) |',
      '|---|---|---|---|---|---|---|',
      row('send', '`send()` awaited, windows of 1,000'),
      row('handle', `handler (\`decode(schema)\`), ${PARTITIONS} workers`),
      '',
      '| first record of a new schema | first send / read | later ones (median of 200, awaited one by one) | registry requests (first) | registry requests (later) |',
      '|---|---|---|---|---|',
      ...(await firstRecordCost(brokers, registry.ccompatUrl)),
      '',
      ...local,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await registry.close();
    await broker.close();
  }
}

(inProcessOnly ? inProcess().then((lines) => void process.stdout.write(`${lines.join('\n')}\n`)) : main()).catch((error: unknown) => {
  process.stderr.write(`bench registry failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
