/**
 * `npm run bench`: runs every case in its own process against one broker, prints a table per
 * group with every figure also as a ratio to the matching raw kafkajs case and to Kafka's own
 * tool, checks the issue's goals, and writes the results to bench/results/<date>-<size>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../scripts/kafka/paths.js';
import { machineInfo } from '../scripts/machine-info.js';
import { KafkaConfigError } from '../lib/core/errors.js';
import { uniqueName } from '../test/support/env.js';
import { cachedJars } from '../scripts/kafka/fetch.js';
import { kafkaVersionFromEnv } from '../scripts/kafka/versions.js';
import { openBenchBroker } from './broker.js';
import { CASES, MEMORY_HANDLER_MS, PARTITIONS, type CaseGroup, type CaseSpec } from './catalogue.js';
import { findKafkaLibs, runConsumerPerf, runProducerPerf } from './kafka-tools.js';
import { parseBenchOptions, type BenchOptions } from './options.js';
import type { CaseParams, CaseResult } from './protocol.js';
import { buildRows, evaluateGoals, formatGoals, formatTable, medianRun } from './report.js';
import { spawnCase } from './spawn-case.js';
import { BenchTopics } from './topics.js';

/** Upper bound for one case process; consume cases also give up on their own after a stall. */
const CASE_TIMEOUT_MS = 10 * 60_000;
/** A consume case fails when no record is handled for this long. */
const STALL_SECONDS = 30;
/** Paced live phase of consume cases (for end-to-end latency). */
const LIVE_RATE = 1_000;

/** `100B`, `1KiB`, … for file names and headings. */
export function sizeLabel(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024}KiB` : `${bytes}B`;
}

function selectCases(options: BenchOptions): CaseSpec[] {
  const unknown = options.cases.filter((n) => !CASES.some((c) => c.name === n));
  if (unknown.length > 0) {
    throw new KafkaConfigError(
      'bench',
      unknown.map((n) => ({ field: `--cases ${n}`, problem: `is not a case (${CASES.map((c) => c.name).join(', ')})` })),
    );
  }
  return CASES.filter((c) => options.cases.length === 0 || options.cases.includes(c.name));
}

interface SizeRun {
  readonly recordBytes: number;
  readonly results: Map<string, CaseResult>;
  readonly errors: Map<string, string>;
}

async function runCase(
  spec: CaseSpec,
  recordBytes: number,
  options: BenchOptions,
  brokers: readonly string[],
  topics: BenchTopics,
  libsDir: string | undefined,
  round: number,
): Promise<CaseResult> {
  const topic = uniqueName(`bench-${spec.name}`);
  const groupId = uniqueName(`bench-${spec.name}`);
  const messages = spec.messages ?? (spec.group === 'memory' ? options.memoryBacklog : options.messages);
  await topics.create(topic, spec.partitions ?? PARTITIONS);
  try {
    if (spec.group === 'consume' || spec.group === 'memory') await topics.fill(topic, messages, recordBytes, spec.keys, spec.compression);
    const base = { name: spec.name, brokers, topic, messages, recordBytes, timeoutMs: CASE_TIMEOUT_MS };
    let result: CaseResult;
    if (spec.runner.kind === 'tool') {
      if (libsDir === undefined)
        throw new Error('no Kafka jars with kafka-tools found (run `npm run kafka:fetch` or set KAFKA_TOOLS_LIBS)');
      result =
        spec.runner.tool === 'producer-perf'
          ? await runProducerPerf({ ...base, libsDir })
          : await runConsumerPerf({ ...base, libsDir, groupId });
    } else {
      const params: CaseParams = {
        name: spec.name,
        mode: spec.group === 'memory' ? 'memory' : 'throughput',
        brokers,
        topic,
        groupId,
        messages,
        recordBytes,
        requestIdHeader: spec.requestIdHeader ?? false,
        sendConcurrency: spec.callers ?? options.sendConcurrency,
        workers: spec.workers ?? 1,
        batchSize: spec.batchSize ?? 1,
        ordering: spec.ordering ?? 'partition',
        handlerMs: spec.handlerMs ?? 0,
        live: { ratePerSecond: LIVE_RATE, seconds: options.quick ? 1 : 3 },
        memory: { seconds: options.memorySeconds, handlerMs: MEMORY_HANDLER_MS },
        stallSeconds: STALL_SECONDS,
        telemetry: spec.telemetry ?? 'api',
        kafkajsEncoding: spec.kafkajsEncoding ?? false,
        compression: spec.compression ?? 'none',
      };
      result = await spawnCase({
        script: spec.runner.script,
        params,
        timeoutMs: CASE_TIMEOUT_MS,
        label: `${spec.name}-${sizeLabel(recordBytes)}-${round}`,
        ...(options.cpuProfDir === undefined ? {} : { cpuProfDir: join(projectRoot, options.cpuProfDir) }),
      });
    }
    if (spec.group === 'produce') {
      const landed = await topics.count(topic);
      if (landed < messages) throw new Error(`only ${landed} of ${messages} records reached the topic`);
    }
    return result;
  } finally {
    await topics.delete(topic);
  }
}

function printReport(run: SizeRun, groups: readonly CaseGroup[]): string {
  const out: string[] = [];
  for (const group of groups) {
    const rows = buildRows(group, CASES, run.results, run.errors);
    if (rows.length === 0) continue;
    out.push(`\n### ${group} (${sizeLabel(run.recordBytes)} records)\n`, formatTable(rows));
    for (const row of rows) {
      if (row.result?.rssGrowthMiB !== undefined) {
        const series = (row.result.rss ?? []).filter((_, i, all) => i % Math.max(1, Math.ceil(all.length / 12)) === 0);
        out.push(
          `\n${row.name}: RSS growth ${row.result.rssGrowthMiB} MiB; ${row.result.msgPerSec} msg/s; RSS over time (s: MiB) ${series.map((s) => `${s.t}: ${s.rssMiB}`).join(', ')}`,
        );
      }
    }
  }
  out.push(`\n### goals (${sizeLabel(run.recordBytes)})\n`, formatGoals(evaluateGoals(run.results)));
  return out.join('\n');
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2), process.env);
  const selected = selectCases(options);
  const broker = await openBenchBroker();
  // Prefer the tools of the Kafka version the harness runs (KAFKA_VERSION, default 4.4.0).
  const harnessJars = cachedJars(kafkaVersionFromEnv());
  const libsDir = findKafkaLibs(projectRoot, harnessJars.complete ? harnessJars.libsDir : undefined);
  const topics = await BenchTopics.open(broker.brokers);
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  try {
    for (const [index, recordBytes] of options.recordSizes.entries()) {
      const run: SizeRun = { recordBytes, results: new Map(), errors: new Map() };
      const runs = new Map<string, CaseResult[]>();
      // The memory case does not depend on record size: run it once, with the first size.
      const cases = selected.filter((c) => c.group !== 'memory' || index === 0);
      for (let round = 1; round <= options.repeat; round++) {
        // Rounds are interleaved (every case once, then again) so a slow spell hits all cases alike.
        for (const spec of cases.filter((c) => c.group !== 'memory' || round === 1)) {
          const tag = options.repeat > 1 ? ` run ${round}/${options.repeat}` : '';
          process.stderr.write(`bench: ${spec.name} (${sizeLabel(recordBytes)})${tag}... `);
          try {
            const result = await runCase(spec, recordBytes, options, broker.brokers, topics, libsDir, round);
            runs.set(spec.name, [...(runs.get(spec.name) ?? []), result]);
            process.stderr.write(`${result.msgPerSec} msg/s\n`);
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            run.errors.set(spec.name, message);
            process.stderr.write(`FAILED\n${message}\n`);
          }
        }
      }
      for (const [name, list] of runs) {
        const median = medianRun(list);
        run.results.set(
          name,
          list.length > 1
            ? {
                ...median,
                notes: [...(median.notes ?? []), `median of ${list.length} runs: ${list.map((r) => r.msgPerSec).join(', ')} msg/s`],
              }
            : median,
        );
      }
      const report = printReport(run, ['produce', 'consume', 'memory', 'request-reply']);
      process.stdout.write(`${report}\n`);
      const dir = join(projectRoot, 'bench', 'results');
      mkdirSync(dir, { recursive: true });
      // A run of some cases only, or a quick one, never overwrites the results of a full run.
      const suffix = `${options.cases.length > 0 ? `-${options.cases.length <= 3 ? options.cases.join('+') : 'partial'}` : ''}${options.quick ? '-quick' : ''}`;
      const file = join(dir, `${new Date().toISOString().slice(0, 10)}-${sizeLabel(recordBytes)}${suffix}.json`);
      const json = {
        date: new Date().toISOString(),
        command,
        broker: broker.source,
        kafkaTools: libsDir,
        machine: machineInfo(),
        options: { ...options, recordBytes, partitions: PARTITIONS },
        results: Object.fromEntries(run.results),
        errors: Object.fromEntries(run.errors),
        goals: evaluateGoals(run.results).map((g) => ({ goal: g.goal.text, measured: g.measured, met: g.met })),
        report,
      };
      writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
      process.stderr.write(`bench: results written to ${file}\n`);
    }
  } finally {
    await topics.close();
    await broker.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
