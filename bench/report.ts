import { GOALS, TOOL_CASE, type CaseGroup, type CaseSpec, type Goal } from './catalogue.js';
import type { CaseResult } from './protocol.js';

/** `value / reference`, or undefined when either is missing or the reference is 0. */
export function ratio(value: number | undefined, reference: number | undefined): number | undefined {
  if (value === undefined || reference === undefined || reference === 0 || !Number.isFinite(value) || !Number.isFinite(reference))
    return undefined;
  return value / reference;
}

/**
 * The run with the median msg/s (the lower middle for an even count), so one disturbed run on a
 * shared machine does not decide a ratio. Throws on an empty list.
 */
export function medianRun(runs: readonly CaseResult[]): CaseResult {
  if (runs.length === 0) throw new RangeError('medianRun of no runs');
  const sorted = [...runs].sort((a, b) => a.msgPerSec - b.msgPerSec);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** The figures of one row and their ratios to the matching raw case and to the Kafka tool. */
export interface ReportRow {
  readonly name: string;
  readonly description: string;
  readonly result?: CaseResult;
  readonly error?: string;
  /** Per figure: [value, ×raw, ×tool]. */
  readonly figures: Readonly<Record<FigureName, readonly [number | undefined, number | undefined, number | undefined]>>;
}

/** The figures every table shows. */
export const FIGURES = ['msgPerSec', 'mbPerSec', 'p50', 'p99', 'cpuUsPerMsg', 'peakRssMiB'] as const;
/** One of {@link FIGURES}. */
export type FigureName = (typeof FIGURES)[number];

const HEADINGS: Record<FigureName, string> = {
  msgPerSec: 'msg/s',
  mbPerSec: 'MB/s',
  p50: 'p50 ms',
  p99: 'p99 ms',
  cpuUsPerMsg: 'CPU us/msg',
  peakRssMiB: 'peak RSS MiB',
};

function figure(result: CaseResult | undefined, name: FigureName): number | undefined {
  if (!result) return undefined;
  if (name === 'p50' || name === 'p99') return result.latencyMs?.[name];
  return result[name];
}

/** Rows of one group's table, in catalogue order, for the cases that ran (or failed). */
export function buildRows(
  group: CaseGroup,
  cases: readonly CaseSpec[],
  results: ReadonlyMap<string, CaseResult>,
  errors: ReadonlyMap<string, string> = new Map(),
): ReportRow[] {
  const tool = TOOL_CASE[group] === undefined ? undefined : results.get(TOOL_CASE[group]!);
  return cases
    .filter((c) => c.group === group && (results.has(c.name) || errors.has(c.name)))
    .map((c) => {
      const result = results.get(c.name);
      const raw = c.baseline === undefined ? undefined : results.get(c.baseline);
      const figures = {} as Record<FigureName, readonly [number | undefined, number | undefined, number | undefined]>;
      for (const f of FIGURES) {
        const v = figure(result, f);
        figures[f] = [v, ratio(v, figure(raw, f)), ratio(v, figure(tool, f))];
      }
      const error = errors.get(c.name);
      return { name: c.name, description: c.description, ...(result ? { result } : {}), ...(error ? { error } : {}), figures };
    });
}

/** A number for a table cell: thousands grouped, few decimals. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined) return '-';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** A ratio for a table cell, e.g. `1.02x`. */
export function formatRatio(value: number | undefined): string {
  return value === undefined ? '-' : `${value.toFixed(2)}x`;
}

/**
 * A plain-text table (also valid Markdown): one row per case, each figure followed by its ratio to
 * the matching raw kafkajs case and to Kafka's tool, as `value (×raw / ×tool)`.
 */
export function formatTable(rows: readonly ReportRow[]): string {
  const header = ['case', ...FIGURES.map((f) => `${HEADINGS[f]} (xraw / xtool)`)];
  const body = rows.map((row) =>
    row.error !== undefined && row.result === undefined
      ? [row.name, `FAILED: ${row.error.split('\n')[0]!.slice(0, 100)}`, ...FIGURES.slice(1).map(() => '')]
      : [
          row.name,
          ...FIGURES.map((f) => {
            const [v, raw, tool] = row.figures[f];
            return v === undefined ? '-' : `${formatNumber(v)} (${formatRatio(raw)} / ${formatRatio(tool)})`;
          }),
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

/** A goal with its measured ratio (or growth) and whether it was met; undefined figures = not run. */
export interface GoalOutcome {
  readonly goal: Goal;
  readonly measured?: number;
  readonly met?: boolean;
  /**
   * The same comparison by CPU time per record (reference / subject): steadier than wall-clock
   * rates when the machine is shared, and the right measure when both sides are CPU-bound.
   */
  readonly cpuRatio?: number;
}

/** Evaluates every goal whose cases ran. */
export function evaluateGoals(results: ReadonlyMap<string, CaseResult>, goals: readonly Goal[] = GOALS): GoalOutcome[] {
  return goals.map((goal) => {
    const subject = results.get(goal.subject);
    if (goal.growthBelowMiB !== undefined) {
      const growth = subject?.rssGrowthMiB;
      return growth === undefined ? { goal } : { goal, measured: growth, met: growth < goal.growthBelowMiB };
    }
    const reference = goal.reference === undefined ? undefined : results.get(goal.reference);
    const r = ratio(subject?.msgPerSec, reference?.msgPerSec);
    if (r === undefined) return { goal };
    const cpuRatio = ratio(reference?.cpuUsPerMsg, subject?.cpuUsPerMsg);
    return { goal, measured: r, met: r >= (goal.atLeast ?? 0), ...(cpuRatio === undefined ? {} : { cpuRatio }) };
  });
}

/** One line per goal: `MET  1.23x  text (by CPU per record: …)` / `MISSED` / `not run`. */
export function formatGoals(outcomes: readonly GoalOutcome[]): string {
  return outcomes
    .map(({ goal, measured, met, cpuRatio }) => {
      if (measured === undefined) return `- not run  ${goal.text}`;
      const value = goal.growthBelowMiB !== undefined ? `${measured.toFixed(1)} MiB` : `${measured.toFixed(2)}x`;
      const cpu = cpuRatio === undefined ? '' : ` (by CPU per record: ${cpuRatio.toFixed(2)}x)`;
      return `- ${met ? 'MET   ' : 'MISSED'}  ${value.padStart(9)}  ${goal.text}${cpu}`;
    })
    .join('\n');
}
