import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { test } from 'node:test';
import { KafkaConfigError } from '../../../lib/core/errors.js';
import { runsFor, SCENARIOS } from '../../../chaos/catalogue.js';
import { longestGap } from '../../../chaos/load.js';
import { formatHandled, parseHandled } from '../../../chaos/member-protocol.js';
import { countHandled } from '../../../chaos/members.js';
import { parseChaosOptions } from '../../../chaos/options.js';
import { formatResults } from '../../../chaos/report.js';
import { blankRunResult } from '../../../chaos/types.js';
import type { RunResult } from '../../../chaos/types.js';
import { finishRun, newWorkspace } from '../../../chaos/workspace.js';

const IDS = SCENARIOS.map((s) => s.id);

test('options: full by default; --quick, --only (any case) and --runs', () => {
  assert.deepEqual(parseChaosOptions([], IDS), { mode: 'full', only: [] });
  assert.deepEqual(parseChaosOptions(['--quick', '--only=c2,C3', '--runs=2'], IDS), { mode: 'quick', only: ['C2', 'C3'], runs: 2 });
});

test('options: one KafkaConfigError names every bad option', () => {
  assert.throws(
    () => parseChaosOptions(['--only=C9', '--runs=0', '--fast'], IDS),
    (err: unknown) => err instanceof KafkaConfigError && err.problems.map((p) => p.field).join('|') === '--only C9|--runs|--fast',
  );
});

test('catalogue: C1-C8 in order; the quick set holds C1, C2, C3 and C6; runs per mode', () => {
  assert.deepEqual(IDS, ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8']);
  assert.deepEqual(
    SCENARIOS.filter((s) => s.quick).map((s) => s.id),
    ['C1', 'C2', 'C3', 'C6'],
  );
  const c2 = SCENARIOS[1]!;
  assert.equal(runsFor(c2, 'quick'), 1);
  assert.equal(runsFor(c2, 'full'), 3);
  assert.equal(runsFor(SCENARIOS[2]!, 'full'), 5);
  assert.equal(runsFor(c2, 'full', 7), 7);
});

test('longestGap counts the range ends and ignores times outside it', () => {
  assert.deepEqual(longestGap([1_000, 1_500, 4_000], 0, 5_000), { ms: 2_500, start: 1_500, end: 4_000 });
  assert.deepEqual(longestGap([], 100, 400), { ms: 300, start: 100, end: 400 });
  assert.equal(longestGap([50, 9_000, 200, 300], 100, 400).ms, 100);
});

test('handled lines round-trip; a torn last line (SIGKILL mid-write) is skipped', () => {
  const line = { id: 42, at: 1_700_000_000_000, partition: 3, offset: '17', ok: false, member: 'm2' };
  const text = formatHandled(line) + formatHandled({ ...line, id: 43, ok: true }) + '44 17000';
  assert.deepEqual(parseHandled(text), [line, { ...line, id: 43, ok: true }]);
});

test('the table has one row per run and shows missed goals and errors', () => {
  const base: RunResult = {
    scenario: 'C2',
    variant: '',
    run: 1,
    durationMs: 61_000,
    sent: 100_000,
    acked: 100_000,
    failed: 0,
    readable: 100_000,
    ackedUnreadable: 0,
    handledUnique: 100_000,
    handledTotal: 100_011,
    lost: 0,
    duplicates: 11,
    faults: 10,
    goals: [{ goal: '0 duplicates', met: false, measured: '11' }],
    notes: [],
  };
  const table = formatResults([base, { ...base, run: 2, error: 'cluster did not start' }]).split('\n');
  assert.equal(table.length, 4);
  assert.match(table[2]!, /C2 #1 .*100,011 .* 11 .*MISSED: 0 duplicates/);
  assert.match(table[3]!, /C2 #2 .*ERROR: cluster did not start/);
});

test('countHandled counts each id once per handling', () => {
  const line = (id: number) => ({ id, at: 0, partition: 0, offset: String(id), ok: true, member: 'm1' });
  assert.deepEqual(
    [...countHandled([line(1), line(2), line(1)]).entries()],
    [
      [1, 2],
      [2, 1],
    ],
  );
});

test('finishRun drops the folder of a clean run and keeps (and names) the folder of a missed goal or an error', (t) => {
  const keep = process.env.CHAOS_KEEP;
  delete process.env.CHAOS_KEEP;
  t.after(() => {
    if (keep !== undefined) process.env.CHAOS_KEEP = keep;
  });
  const run = (goalMet: boolean, error?: string) => {
    const dir = newWorkspace('unit');
    const notes: string[] = [];
    const result = finishRun(dir, {
      ...blankRunResult('C0'),
      goals: [{ goal: 'g', met: goalMet, measured: '' }],
      notes,
      ...(error === undefined ? {} : { error }),
    });
    return { dir, kept: existsSync(dir), notes: result.notes };
  };
  const clean = run(true);
  assert.deepEqual([clean.kept, clean.notes], [false, []]);
  for (const missed of [run(false), run(true, 'boom')]) {
    assert.deepEqual([missed.kept, missed.notes], [true, [`files kept in ${missed.dir}`]]);
    rmSync(missed.dir, { recursive: true, force: true });
  }
});
