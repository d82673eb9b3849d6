import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseResult } from './protocol.js';
import { round } from './rss.js';

/** Heap the perf tools get: what Kafka's own `kafka-*-perf-test.sh` scripts set. */
export const TOOL_HEAP = '-Xmx512M';
/** GNU time prints the child's peak RSS (KiB) with this prefix on stderr. */
const MAXRSS_MARKER = '@@maxrss ';

/** Figures of kafka-producer-perf-test's final summary line. */
export interface ProducerPerfSummary {
  readonly records: number;
  readonly recordsPerSec: number;
  readonly mbPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Parses the final summary line of `ProducerPerformance` (the one with percentiles). */
export function parseProducerPerf(output: string): ProducerPerfSummary | undefined {
  const m =
    /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency, (\d+) ms 50th, \d+ ms 95th, (\d+) ms 99th/.exec(
      output,
    );
  if (!m) return undefined;
  return { records: Number(m[1]), recordsPerSec: Number(m[2]), mbPerSec: Number(m[3]), p50Ms: Number(m[4]), p99Ms: Number(m[5]) };
}

/** Figures of kafka-consumer-perf-test's CSV line, fetch-phase only (group join excluded). */
export interface ConsumerPerfSummary {
  readonly records: number;
  readonly fetchMs: number;
  readonly fetchRecordsPerSec: number;
  readonly fetchMbPerSec: number;
}

/** Parses `ConsumerPerformance` output: a header line naming the columns, then one data line. */
export function parseConsumerPerf(output: string): ConsumerPerfSummary | undefined {
  const lines = output.split('\n').map((l) => l.trim());
  const at = lines.findIndex((l) => l.startsWith('start.time'));
  if (at < 0 || lines[at + 1] === undefined) return undefined;
  const names = lines[at]!.split(',').map((s) => s.trim());
  const values = lines[at + 1]!.split(',').map((s) => s.trim());
  const get = (name: string) => Number(values[names.indexOf(name)]);
  const summary = {
    records: get('data.consumed.in.nMsg'),
    fetchMs: get('fetch.time.ms'),
    fetchRecordsPerSec: get('fetch.nMsg.sec'),
    fetchMbPerSec: get('fetch.MB.sec'),
  };
  return Object.values(summary).every(Number.isFinite) ? summary : undefined;
}

/** Finds a folder of Kafka jars: `KAFKA_TOOLS_LIBS`, the harness cache, or the prefetch folder. */
export function findKafkaLibs(projectRoot: string, harnessLibs?: string): string | undefined {
  const candidates = [process.env.KAFKA_TOOLS_LIBS, harnessLibs];
  for (const base of ['dist', '.']) {
    const dir = join(projectRoot, '.kafka', base);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir).sort().reverse()) {
      if (base === 'dist' || entry.startsWith('prefetch-')) candidates.push(join(dir, entry, 'libs'));
    }
  }
  return candidates.find((d): d is string => d !== undefined && hasToolsJar(d));
}

/** True when `dir` holds Kafka's tools jar (where the perf tool classes live). */
function hasToolsJar(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((f) => /^kafka-tools-\d[\w.-]*\.jar$/.test(f));
}

interface ToolRun {
  readonly output: string;
  readonly peakRssMiB: number | undefined;
  readonly code: number | null;
}

/** Runs a Kafka tool class under GNU time (for its peak RSS), collecting stdout and stderr. */
function runTool(libsDir: string, mainClass: string, args: readonly string[], timeoutMs: number): Promise<ToolRun> {
  const java = ['java', TOOL_HEAP, '-cp', `${libsDir}/*`, mainClass, ...args];
  const useTime = existsSync('/usr/bin/time');
  const [cmd, ...cmdArgs] = useTime ? ['/usr/bin/time', '-f', `${MAXRSS_MARKER}%M`, ...java] : java;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd!, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const kib = new RegExp(`${MAXRSS_MARKER}(\\d+)`).exec(output)?.[1];
      resolve({ output, code, peakRssMiB: kib === undefined ? undefined : round(Number(kib) / 1024, 1) });
    });
  });
}

/** Options shared by both tool cases. */
export interface ToolCaseOptions {
  readonly name: string;
  readonly libsDir: string;
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly messages: number;
  readonly recordBytes: number;
  readonly timeoutMs: number;
}

/** kafka-producer-perf-test at full speed, acks=1 like every produce case. */
export async function runProducerPerf(o: ToolCaseOptions): Promise<CaseResult> {
  const run = await runTool(
    o.libsDir,
    'org.apache.kafka.tools.ProducerPerformance',
    [
      '--topic',
      o.topic,
      '--num-records',
      String(o.messages),
      '--record-size',
      String(o.recordBytes),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${o.brokers.join(',')}`,
      'acks=1',
    ],
    o.timeoutMs,
  );
  const s = parseProducerPerf(run.output);
  if (!s || run.code !== 0) throw new Error(`kafka-producer-perf-test failed (exit ${run.code}): ${run.output.slice(-500)}`);
  return {
    name: o.name,
    messages: s.records,
    seconds: round(s.records / s.recordsPerSec, 3),
    msgPerSec: round(s.recordsPerSec, 0),
    mbPerSec: s.mbPerSec,
    latencyMs: { p50: s.p50Ms, p99: s.p99Ms, count: s.records },
    peakRssMiB: run.peakRssMiB ?? Number.NaN,
    notes: [`Java tool, ${TOOL_HEAP}, acks=1, default linger/batch; latency is send->ack in whole ms`],
  };
}

/** kafka-consumer-perf-test over the pre-filled topic; rate of the fetch phase (join excluded). */
export async function runConsumerPerf(o: ToolCaseOptions & { readonly groupId: string }): Promise<CaseResult> {
  const run = await runTool(
    o.libsDir,
    'org.apache.kafka.tools.ConsumerPerformance',
    [
      '--bootstrap-server',
      o.brokers.join(','),
      '--topic',
      o.topic,
      '--messages',
      String(o.messages),
      '--group',
      o.groupId,
      '--timeout',
      '30000',
    ],
    o.timeoutMs,
  );
  const s = parseConsumerPerf(run.output);
  if (!s || run.code !== 0) throw new Error(`kafka-consumer-perf-test failed (exit ${run.code}): ${run.output.slice(-500)}`);
  return {
    name: o.name,
    messages: s.records,
    seconds: round(s.fetchMs / 1000, 3),
    msgPerSec: round(s.fetchRecordsPerSec, 0),
    mbPerSec: round(s.fetchMbPerSec, 2),
    peakRssMiB: run.peakRssMiB ?? Number.NaN,
    notes: [`Java tool, ${TOOL_HEAP}, fetch phase only; no per-record latency`],
  };
}
