import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CaseSpec } from '../../../bench/catalogue.js';
import type { CaseResult } from '../../../bench/protocol.js';
import { buildRows, evaluateGoals, formatGoals, formatRatio, formatTable, medianRun, ratio } from '../../../bench/report.js';

function result(name: string, msgPerSec: number, extra: Partial<CaseResult> = {}): CaseResult {
  return { name, messages: 1000, seconds: 1, msgPerSec, mbPerSec: msgPerSec / 10_000, peakRssMiB: 100, ...extra };
}

const node = { kind: 'node', script: 'x' } as const;
const cases: CaseSpec[] = [
  { name: 'raw', group: 'consume', description: 'raw', runner: node, baseline: 'raw' },
  { name: 'ours', group: 'consume', description: 'ours', runner: node, baseline: 'raw' },
  { name: 'tool-consume', group: 'consume', description: 'tool', runner: { kind: 'tool', tool: 'consumer-perf' }, baseline: 'raw' },
  { name: 'broken', group: 'consume', description: 'fails', runner: node, baseline: 'raw' },
  { name: 'other-group', group: 'produce', description: 'elsewhere', runner: node },
];

test('ratio is undefined when either side is missing or the reference is zero', () => {
  assert.equal(ratio(3, 2), 1.5);
  assert.equal(ratio(undefined, 2), undefined);
  assert.equal(ratio(3, undefined), undefined);
  assert.equal(ratio(3, 0), undefined);
  assert.equal(ratio(Number.NaN, 2), undefined);
});

test('rows divide every figure by the matching raw case and by the tool', () => {
  const results = new Map([
    ['raw', result('raw', 100_000, { latencyMs: { p50: 4, p99: 20, count: 10 } })],
    ['ours', result('ours', 95_000, { latencyMs: { p50: 2, p99: 40, count: 10 }, peakRssMiB: 150 })],
    ['tool-consume', result('tool-consume', 200_000, { peakRssMiB: 300 })],
  ]);
  const rows = buildRows('consume', cases, results, new Map([['broken', 'exit 1: boom']]));
  assert.deepEqual(
    rows.map((r) => r.name),
    ['raw', 'ours', 'tool-consume', 'broken'],
  );
  const ours = rows[1]!;
  assert.deepEqual(ours.figures.msgPerSec, [95_000, 0.95, 0.475]);
  assert.deepEqual(ours.figures.p50, [2, 0.5, undefined], 'the tool has no latency');
  assert.deepEqual(ours.figures.p99, [40, 2, undefined]);
  assert.deepEqual(ours.figures.peakRssMiB, [150, 1.5, 0.5]);
  assert.equal(rows[3]!.error, 'exit 1: boom');

  const table = formatTable(rows);
  assert.match(table, /\| ours +\| 95,000 \(0\.95x \/ 0\.47x\)/);
  assert.match(table, /\| broken +\| FAILED: exit 1: boom/);
  assert.equal(new Set(table.split('\n').map((l) => l.length)).size, 1, 'columns are aligned');
  assert.equal(formatRatio(undefined), '-');
});

test('goals report the measured ratio and whether it was met; missing cases are "not run"', () => {
  const results = new Map([
    ['ours-send', result('ours-send', 60_000, { cpuUsPerMsg: 12 })],
    ['raw-send', result('raw-send', 10_000)],
    ['raw-send-batch', result('raw-send-batch', 100_000, { cpuUsPerMsg: 9 })],
    ['ours-memory', result('ours-memory', 1_500, { rssGrowthMiB: 70 })],
  ]);
  const outcomes = evaluateGoals(results);
  const byText = new Map(outcomes.map((o) => [o.goal.text, o]));
  assert.deepEqual(
    [...byText].filter(([t]) => t.startsWith('per-message') && t.includes('raw kafkajs')).map(([, o]) => [o.measured, o.met]),
    [
      [6, true],
      [0.6, false],
    ],
  );
  const memory = outcomes.find((o) => o.goal.growthBelowMiB !== undefined)!;
  assert.equal(memory.met, false);
  const text = formatGoals(outcomes);
  assert.match(text, /MET +6\.00x +per-message send\(\) >= 3x/);
  assert.match(text, /MISSED +0\.60x {2}per-message send\(\) >= 0\.9x raw kafkajs sendBatch \(by CPU per record: 0\.75x\)/);
  assert.doesNotMatch(text, /3x raw kafkajs send\(\) \(by CPU/, 'no CPU ratio without both CPU figures');
  assert.match(text, /MISSED +70\.0 MiB/);
  assert.match(text, /not run +batch handler/);
});

test('medianRun picks the middle run by msg/s', () => {
  assert.equal(medianRun([result('a', 5), result('b', 1), result('c', 3)]).name, 'c');
  assert.equal(medianRun([result('a', 5), result('b', 1)]).name, 'b');
  assert.throws(() => medianRun([]), RangeError);
});
