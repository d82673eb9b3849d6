import type { RunResult } from './types.js';

const COLUMNS: readonly [string, (r: RunResult) => string][] = [
  ['scenario', (r) => `${r.scenario}${r.variant ? ` ${r.variant}` : ''} #${r.run}`],
  ['sent', (r) => n(r.sent)],
  ['acked', (r) => n(r.acked)],
  ['failed', (r) => n(r.failed)],
  ['readable', (r) => n(r.readable)],
  ['acked unreadable', (r) => n(r.ackedUnreadable)],
  ['handled unique', (r) => n(r.handledUnique)],
  ['handled total', (r) => n(r.handledTotal)],
  ['lost', (r) => n(r.lost)],
  ['dup', (r) => n(r.duplicates)],
  ['faults', (r) => n(r.faults)],
  ['ack stall s', (r) => s(r.ackStallMs)],
  ['handle stall s', (r) => s(r.handleStallMs)],
  ['recover s', (r) => s(r.recoverMs)],
  ['time s', (r) => s(r.durationMs)],
  ['goals', (r) => (r.error ? `ERROR: ${r.error.split('\n')[0]!.slice(0, 80)}` : goalsSummary(r))],
];

function n(value: number | undefined): string {
  return value === undefined ? '-' : value.toLocaleString('en-US');
}

function s(ms: number | undefined): string {
  return ms === undefined ? '-' : (ms / 1000).toFixed(1);
}

/** One Markdown table row per run. */
export function formatResults(results: readonly RunResult[]): string {
  const header = COLUMNS.map(([h]) => h);
  const rows = results.map((r) => COLUMNS.map(([, cell]) => cell(r)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** Per run: what each goal measured, and the notes. */
export function formatDetails(results: readonly RunResult[]): string {
  return results
    .map((r) => {
      const head = `- **${r.scenario}${r.variant ? ` ${r.variant}` : ''} #${r.run}**`;
      const goals = r.goals.map((g) => `  - ${g.met ? 'met' : 'MISSED'}: ${g.goal}: ${g.measured}`);
      const recover = r.recoverMs === undefined ? [] : [`  - recover: ${(r.recoverMs / 1000).toFixed(1)} s (${r.recoverMeaning})`];
      const notes = r.notes.map((note) => `  - ${note}`);
      return [head, ...(r.error ? [`  - ERROR: ${r.error}`] : []), ...goals, ...recover, ...notes].join('\n');
    })
    .join('\n');
}

/** `met: <goal>; MISSED: <goal>; …`: one line of a run's goals, for progress lines and the table. */
export function goalsSummary(result: Pick<RunResult, 'goals'>): string {
  return result.goals.map((g) => `${g.met ? 'met' : 'MISSED'}: ${g.goal}`).join('; ');
}
