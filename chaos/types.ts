/** What one run of a scenario reports (one row of the table, one entry of the JSON results). */
export interface RunResult {
  /** Scenario id, e.g. `C2`. */
  readonly scenario: string;
  /** Variant label, e.g. `acks all` (C3), or '' when the scenario has one variant. */
  readonly variant: string;
  /** 1-based run number within the scenario and variant. */
  readonly run: number;
  /** Wall-clock length of the run (topic creation to read-back), ms. */
  readonly durationMs: number;
  /** Records given to `send()` (or, for C6, written). */
  readonly sent: number;
  /** Records whose `send()` resolved. */
  readonly acked: number;
  /** Records whose `send()` rejected. */
  readonly failed: number;
  /** Distinct record ids found when the topic was read back from offset 0 with raw kafkajs. */
  readonly readable: number;
  /** Acknowledged records not in the topic. */
  readonly ackedUnreadable: number;
  /** Distinct ids handled by the group's handlers (undefined when no group runs). */
  readonly handledUnique?: number;
  /** Handler completions in total, redeliveries included. */
  readonly handledTotal?: number;
  /** Acknowledged records never handled (group scenarios) or never readable (producer-only). */
  readonly lost: number;
  /** Handler completions beyond the first per id. */
  readonly duplicates?: number;
  /** Faults injected (kills, restarts, freezes). */
  readonly faults: number;
  /** Longest time with no acknowledgement while sending, ms. */
  readonly ackStallMs?: number;
  /** Longest time with no handled record while records were waiting, ms. */
  readonly handleStallMs?: number;
  /** Scenario-specific time to recover, ms (see {@link recoverMeaning}). */
  readonly recoverMs?: number;
  /** What {@link recoverMs} measures in this scenario. */
  readonly recoverMeaning?: string;
  /** Each goal of the scenario and whether this run met it. */
  readonly goals: readonly GoalCheck[];
  /** Anything a reader needs: error counts seen, which node was hit, why a run stopped. */
  readonly notes: readonly string[];
  /** Set when the run itself broke (harness failure, time limit): its figures are partial. */
  readonly error?: string;
}

/** One goal and its outcome in a run. */
export interface GoalCheck {
  readonly goal: string;
  readonly met: boolean;
  /** The measured value behind the verdict, in words. */
  readonly measured: string;
}

/** How big a run is: the full suite or the quick set. */
export type ChaosMode = 'full' | 'quick';

/** What every scenario function gets. */
export interface ScenarioContext {
  readonly mode: ChaosMode;
  /** Runs of each variant. */
  readonly runs: number;
  /** Progress lines (stderr in the CLI, test diagnostics in tests). */
  readonly log: (line: string) => void;
}

/** A scenario of the catalogue. */
export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** The goals, in words, as the issue states them. */
  readonly goals: readonly string[];
  /** Part of `--quick` (and so of `npm test`). */
  readonly quick: boolean;
  /** Runs per variant in full mode. */
  readonly fullRuns: number;
  /** Variants (C3 has two: acks all and the default); the time limit is 10 min per variant. */
  readonly variants?: number;
  /** Runs every variant `context.runs` times on its own cluster; never throws for a failed goal. */
  readonly run: (context: ScenarioContext) => Promise<RunResult[]>;
}

/** A result with nothing counted yet: the base of an error row, or of a hand-made one in tests. */
export function blankRunResult(scenario: string): RunResult {
  return {
    scenario,
    variant: '',
    run: 1,
    durationMs: 0,
    sent: 0,
    acked: 0,
    failed: 0,
    readable: 0,
    ackedUnreadable: 0,
    lost: 0,
    faults: 0,
    goals: [],
    notes: [],
  };
}
