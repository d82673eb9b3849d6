/**
 * The produce-request writer must write exactly kafkajs 2.2.4's bytes; these tests encode the same
 * requests with both and compare. They fail if kafkajs' encoding, or the internals the encoder
 * patches, change.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { installKafkaJsProduceEncoder, KAFKAJS_ENCODER_VERSION } from '../../../lib/core/producer/kafkajs-produce-encoder.js';
import { OutgoingRecord } from '../../../lib/core/producer/outgoing-record.js';
import {
  compressProduceRequest,
  writeProduceRequest,
  type BatchSpan,
  type ProduceRequestFields,
} from '../../../lib/core/producer/produce-request-writer.js';
import { registerKafkaJsCodecs, type KafkaJsCodecTable } from '../../../lib/core/codecs/kafkajs-registration.js';
import type { RecordHeaders } from '../../../lib/core/producer/record-size.js';

const require = createRequire(import.meta.url);
type Encoded = { buffer: Buffer };
type Built = { request: { apiVersion: number; encode: () => Promise<Encoded> } };
const produceV3 = require('kafkajs/src/protocol/requests/produce/v3/request.js') as (fields: object) => Built['request'];
const produceDefinition = require('kafkajs/src/protocol/requests/produce/index.js') as {
  protocol: (args: { version: number }) => (fields: object) => Built;
};
const frameRequest = require('kafkajs/src/protocol/request.js') as (args: {
  correlationId: number;
  clientId: string;
  request: Built['request'];
}) => Promise<Encoded>;
const Long = require('kafkajs/src/utils/long.js') as { fromNumber(n: number): { value: bigint } };

const NOW = 1_764_460_800_123;

async function kafkajsBytes(fields: ProduceRequestFields & { compression?: number }): Promise<Buffer> {
  const realNow = Date.now;
  Date.now = () => NOW;
  try {
    // kafkajs reads the clock per partition, across awaits: keep it fixed until the end.
    return (await produceV3({ ...fields }).encode()).buffer;
  } finally {
    Date.now = realNow;
  }
}

const shared = Object.freeze({ 'request-id': '0f8fad5b-d9cb-469f-a165-70867728950e' }) as RecordHeaders;

function partitionOf(partition: number, messages: OutgoingRecord[], firstSequence?: number) {
  return { partition, messages, ...(firstSequence === undefined ? {} : { firstSequence }) };
}

const cases: Array<[string, ProduceRequestFields]> = [
  [
    'buffer values sharing the producer-wide headers',
    {
      acks: 1,
      timeout: 30_000,
      topicData: [
        {
          topic: 'orders',
          partitions: [
            partitionOf(
              0,
              [1, 2, 3].map((n) => new OutgoingRecord(Buffer.alloc(100, n), shared)),
            ),
          ],
        },
      ],
    },
  ],
  [
    'string and Buffer keys, UTF-8 text, repeated and Buffer headers, empty values',
    {
      acks: -1,
      timeout: 5_000,
      topicData: [
        {
          topic: 'commandes-é',
          partitions: [
            partitionOf(3, [
              new OutgoingRecord('héllo wörld 🚀', { 'request-id': 'r1', trace: ['a', 'b'], bin: Buffer.from([0, 1, 2]) }, 'clé'),
              new OutgoingRecord('', { 'request-id': '' }, Buffer.from([9, 8, 7])),
              new OutgoingRecord(Buffer.alloc(0), {}, ''),
              new OutgoingRecord('{"json":true}', { 'x-ü': 'ü'.repeat(70) }),
            ]),
          ],
        },
      ],
    },
  ],
  [
    'varint boundaries: value sizes 63/64/8191/8192/300000 and offset deltas past 63',
    {
      acks: 1,
      timeout: 1,
      topicData: [
        {
          topic: 't',
          partitions: [
            partitionOf(
              1,
              [63, 64, 8191, 8192, 300_000, ...Array.from({ length: 200 }, (_, i) => i)].map(
                (n) => new OutgoingRecord(Buffer.alloc(n, 7), shared, 'k'),
              ),
            ),
          ],
        },
      ],
    },
  ],
  [
    'several topics and partitions, idempotent producer fields, transactional id',
    {
      acks: -1,
      timeout: 30_000,
      transactionalId: 'tx-1',
      producerId: Long.fromNumber(4711),
      producerEpoch: 3,
      topicData: [
        {
          topic: 'a',
          partitions: [
            partitionOf(0, [new OutgoingRecord('x', shared)], 17),
            partitionOf(5, [new OutgoingRecord('y', shared), new OutgoingRecord('z', shared, 'k')], 2_000_000_000),
          ],
        },
        { topic: 'b', partitions: [partitionOf(2, [new OutgoingRecord(Buffer.from('q'), { only: 'one' })])] },
      ],
    },
  ],
];

for (const [name, fields] of cases) {
  test(`writes kafkajs ${KAFKAJS_ENCODER_VERSION}'s Produce request bytes: ${name}`, async () => {
    assert.deepEqual(writeProduceRequest(fields, NOW), await kafkajsBytes(fields));
  });
}

const codecTable = (require('kafkajs') as { CompressionCodecs: KafkaJsCodecTable }).CompressionCodecs;
const CODECS = { gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

/** The writer's compressed request: the plain body, then each records section through kafkajs' codec. */
async function compressedBytes(fields: ProduceRequestFields, codec: number): Promise<Buffer> {
  const batches: BatchSpan[] = [];
  const body = writeProduceRequest(fields, NOW, batches);
  const kafkajsCodec = codecTable[codec]!();
  return compressProduceRequest(body, batches, codec, (records) => kafkajsCodec.compress({ buffer: records }));
}

for (const [codecName, codec] of Object.entries(CODECS)) {
  for (const [name, fields] of cases) {
    test(`writes kafkajs' ${codecName} Produce request bytes: ${name}`, async () => {
      registerKafkaJsCodecs();
      assert.deepEqual(await compressedBytes(fields, codec), await kafkajsBytes({ ...fields, compression: codec }));
    });
  }
}

test('a numeric producer id is written as kafkajs writes it', async () => {
  const fields: ProduceRequestFields = {
    acks: -1,
    timeout: 100,
    producerId: 123_456_789_012,
    producerEpoch: 1,
    topicData: [{ topic: 't', partitions: [partitionOf(0, [new OutgoingRecord('v', shared)])] }],
  };
  assert.deepEqual(writeProduceRequest(fields, NOW), await kafkajsBytes(fields));
});

test('kafkajs encodes requests of this module with the writer, compressed or not, and everything else itself', async (t) => {
  t.mock.method(Date, 'now', () => NOW);
  assert.notEqual(installKafkaJsProduceEncoder(), 'unavailable', 'kafkajs moved the Produce request definition or its Encoder');
  assert.equal(installKafkaJsProduceEncoder(), 'already-installed');
  const ours = {
    acks: 1,
    timeout: 30_000,
    compression: 0,
    topicData: [{ topic: 'o', partitions: [partitionOf(4, [new OutgoingRecord(Buffer.alloc(10, 1), shared, 'k')])] }],
  };
  const theirs = {
    ...ours,
    topicData: [{ topic: 'o', partitions: [{ partition: 4, messages: [{ key: 'k', value: Buffer.alloc(10, 1), headers: shared }] }] }],
  };
  registerKafkaJsCodecs();
  const compressed = Object.values(CODECS).map((compression) => ({ ...ours, compression }));
  for (const version of [3, 5, 7]) {
    const viaPatch = produceDefinition.protocol({ version })(ours).request;
    assert.equal(viaPatch.apiVersion, version);
    assert.notEqual(viaPatch.encode, produceV3(ours).encode, 'our records get the writer');
    // Framed as kafkajs frames every request: the same bytes as kafkajs' own encoder.
    const framed = await frameRequest({ correlationId: 7, clientId: 'c', request: viaPatch });
    const expected = await frameRequest({ correlationId: 7, clientId: 'c', request: { ...produceV3(ours), apiVersion: version } });
    assert.deepEqual(framed.buffer, expected.buffer);
    // Compressed requests of this module's records get the writer too, with kafkajs' bytes.
    for (const fields of compressed) {
      const request = produceDefinition.protocol({ version })(fields).request;
      assert.notEqual(request.encode.toString(), produceV3(fields).encode.toString(), `codec ${fields.compression} gets the writer`);
      const viaWriter = await frameRequest({ correlationId: 7, clientId: 'c', request });
      const viaKafkajs = await frameRequest({ correlationId: 7, clientId: 'c', request: { ...produceV3(fields), apiVersion: version } });
      assert.deepEqual(viaWriter.buffer, viaKafkajs.buffer, `codec ${fields.compression}`);
    }
    // Foreign records keep kafkajs' encoder: same bytes, no writer.
    const request = produceDefinition.protocol({ version })(theirs).request;
    assert.equal(request.encode.toString(), produceV3(theirs).encode.toString());
  }
});
