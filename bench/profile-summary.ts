/**
 * `node dist/bench/profile-summary.js <file.cpuprofile> [top]`: self time per function and per
 * source file of a V8 CPU profile written by `npm run bench -- --cpu-prof`, to find what limits
 * a case without opening a profiler UI.
 */
import { readFileSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` this summary reads. */
export interface CpuProfile {
  readonly nodes: ReadonlyArray<{
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }>;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** One line of the summary: a key and its self time. */
export interface SelfTime {
  readonly key: string;
  readonly ms: number;
  readonly share: number;
}

/** Self time by `function (file:line)` and by file, largest first. */
export function summariseProfile(profile: CpuProfile): { byFunction: SelfTime[]; byFile: SelfTime[]; totalMs: number } {
  const nodeById = new Map(profile.nodes.map((n) => [n.id, n]));
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const frame = nodeById.get(id)?.callFrame;
    if (!frame) return;
    total += us;
    const url = shorten(frame.url) || '(native)';
    const key = `${frame.functionName || '(anonymous)'} ${url}:${frame.lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    file.set(url, (file.get(url) ?? 0) + us);
  });
  const rank = (m: Map<string, number>) =>
    [...m].map(([key, us]) => ({ key, ms: us / 1000, share: total > 0 ? us / total : 0 })).sort((a, b) => b.ms - a.ms);
  return { byFunction: rank(fn), byFile: rank(file), totalMs: total / 1000 };
}

/** `file:///…/node_modules/kafkajs/src/x.js` → `kafkajs/src/x.js`; project files relative to dist. */
function shorten(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.lastIndexOf('/dist/');
  return dist >= 0 ? url.slice(dist + '/dist/'.length) : url.replace(/^file:\/\//, '');
}

function main(): void {
  const [path, topText] = process.argv.slice(2);
  if (!path) {
    process.stderr.write('usage: node dist/bench/profile-summary.js <file.cpuprofile> [top]\n');
    process.exitCode = 1;
    return;
  }
  const top = Number(topText ?? 25);
  const { byFunction, byFile, totalMs } = summariseProfile(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile);
  const line = (s: SelfTime) => `${s.ms.toFixed(0).padStart(8)} ms ${(s.share * 100).toFixed(1).padStart(5)} %  ${s.key}`;
  process.stdout.write(
    `total sampled ${totalMs.toFixed(0)} ms\n\nself time by function:\n${byFunction.slice(0, top).map(line).join('\n')}\n`,
  );
  process.stdout.write(`\nself time by file:\n${byFile.slice(0, top).map(line).join('\n')}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
