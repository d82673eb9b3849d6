/** The loop every cluster scenario shares: one 3-node cluster for all its runs, a progress line per run. */
import type { EmbeddedKafka } from '../scripts/kafka/embedded-kafka.js';
import { startChaosCluster } from './cluster.js';
import type { RunResult, ScenarioContext } from './types.js';

/**
 * Starts the chaos cluster, calls `runOnce` for runs 1 to `context.runs` (and, with `variants`,
 * for each variant within a run), logs `<scenario>[ <variant>] run <n>: <summary>` after each,
 * and closes the cluster however the runs end.
 */
export function runOnChaosCluster(
  context: ScenarioContext,
  runOnce: (cluster: EmbeddedKafka, run: number) => Promise<RunResult>,
  summary: (result: RunResult) => string,
): Promise<RunResult[]>;
export function runOnChaosCluster<V>(
  context: ScenarioContext,
  runOnce: (cluster: EmbeddedKafka, run: number, variant: V) => Promise<RunResult>,
  summary: (result: RunResult) => string,
  variants: readonly V[],
): Promise<RunResult[]>;
export async function runOnChaosCluster<V>(
  context: ScenarioContext,
  runOnce: (cluster: EmbeddedKafka, run: number, variant: V | undefined) => Promise<RunResult>,
  summary: (result: RunResult) => string,
  variants: readonly (V | undefined)[] = [undefined],
): Promise<RunResult[]> {
  const cluster = await startChaosCluster();
  const results: RunResult[] = [];
  try {
    for (let run = 1; run <= context.runs; run++) {
      for (const variant of variants) {
        const result = await runOnce(cluster, run, variant);
        context.log(`${result.scenario}${result.variant ? ` ${result.variant}` : ''} run ${result.run}: ${summary(result)}`);
        results.push(result);
      }
    }
  } finally {
    await cluster.close();
  }
  return results;
}
