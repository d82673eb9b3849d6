import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaConfigError } from '../../../lib/core/errors.js';
import { DEFAULT_MESSAGES, parseBenchOptions, QUICK_MESSAGES } from '../../../bench/options.js';
import { parseConsumerPerf, parseProducerPerf } from '../../../bench/kafka-tools.js';
import { summariseProfile } from '../../../bench/profile-summary.js';

test('defaults: 200,000 records, a 100-byte and a 1 KiB run', () => {
  const o = parseBenchOptions([], {});
  assert.equal(o.messages, DEFAULT_MESSAGES);
  assert.deepEqual(o.recordSizes, [100, 1024]);
  assert.deepEqual(o.cases, []);
  assert.equal(o.repeat, 1);
  assert.equal(o.cpuProfDir, undefined);
});

test('flags win over the environment; --quick shrinks the run', () => {
  const env = { BENCH_MESSAGES: '5000', BENCH_RECORD_BYTES: '200,400', BENCH_CASES: 'raw-send' };
  assert.deepEqual(parseBenchOptions([], env).recordSizes, [200, 400]);
  const o = parseBenchOptions(['--messages=1_000', '--record-bytes=64', '--cases=a,b', '--cpu-prof'], env);
  assert.equal(o.messages, 1000);
  assert.deepEqual(o.recordSizes, [64]);
  assert.deepEqual(o.cases, ['a', 'b']);
  assert.equal(o.cpuProfDir, 'bench/results/profiles');
  const quick = parseBenchOptions(['--quick'], {});
  assert.equal(quick.messages, QUICK_MESSAGES);
  assert.deepEqual(quick.recordSizes, [100]);
});

test('one KafkaConfigError names every bad option', () => {
  assert.throws(
    () => parseBenchOptions(['--messages=-3', '--record-bytes=10', '--speed=9', 'stray'], { BENCH_REPEAT: 'x' }),
    (err: unknown) => {
      assert.ok(err instanceof KafkaConfigError);
      assert.deepEqual(
        err.problems.map((p) => p.field),
        ['stray', '--speed', '--messages', '--record-bytes[0]', '--repeat'],
      );
      return true;
    },
  );
});

test("the Kafka perf tools' summaries are parsed", () => {
  const producer = [
    '95401 records sent, 19080.2 records/sec (1.82 MB/sec), 300.1 ms avg latency, 500.0 ms max latency.',
    '200000 records sent, 92379.7 records/sec (8.81 MB/sec), 60.12 ms avg latency, 400.00 ms max latency, 50 ms 50th, 200 ms 95th, 308 ms 99th, 390 ms 99.9th.',
  ].join('\n');
  assert.deepEqual(parseProducerPerf(producer), { records: 200_000, recordsPerSec: 92379.7, mbPerSec: 8.81, p50Ms: 50, p99Ms: 308 });
  assert.equal(parseProducerPerf(producer.split('\n')[0]!), undefined, 'a progress line is not the summary');

  const consumer = [
    'log4j:WARN No appenders could be found',
    'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
    '2026-11-25 15:40:01:000, 2026-11-25 15:40:05:000, 19.0735, 4.7684, 200000, 50000.0, 3000, 1000, 19.0735, 200000.0',
  ].join('\n');
  assert.deepEqual(parseConsumerPerf(consumer), { records: 200_000, fetchMs: 1000, fetchRecordsPerSec: 200_000, fetchMbPerSec: 19.0735 });
  assert.equal(parseConsumerPerf('nothing useful'), undefined);
});

test('a CPU profile is summarised as self time per function and per file', () => {
  const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
  const summary = summariseProfile({
    nodes: [
      { id: 1, callFrame: frame('(idle)', '') },
      { id: 2, callFrame: frame('done', 'file:///w/dist/lib/core/consumer/offset-tracker.js') },
      { id: 3, callFrame: frame('decode', 'file:///w/node_modules/kafkajs/src/protocol/decoder.js') },
    ],
    samples: [1, 2, 2, 3],
    timeDeltas: [1000, 2000, 3000, 4000],
  });
  assert.equal(summary.totalMs, 10);
  assert.deepEqual(
    summary.byFunction.map((f) => [f.key, f.ms]),
    [
      ['done lib/core/consumer/offset-tracker.js:10', 5],
      ['decode kafkajs/src/protocol/decoder.js:10', 4],
      ['(idle) (native):10', 1],
    ],
  );
  assert.equal(summary.byFile[0]!.share, 0.5);
});
