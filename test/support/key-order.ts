/**
 * Records which records of which key a group handles, and when, and checks the per-key ordering
 * property: records with the same key never overlap, and in the order handling began each key's
 * offsets go up one record at a time (the key's next offset) or jump back (a redelivery after a
 * restart or rebalance): never forward past a record of the key. At the end every record of every
 * key was handled at least once.
 */
export class KeyOrderLog {
  /** Handling of a record of this key is under way (to catch overlap). */
  private readonly running = new Set<string>();
  private readonly sequences = new Map<string, number[]>();
  /** Problems seen while handling (overlaps); {@link check} adds the rest. */
  readonly problems: string[] = [];
  /** Handler calls in all. */
  calls = 0;
  private concurrent = 0;
  /** Most handler calls seen running at once. */
  maxConcurrent = 0;

  /** Call when a handler starts on (key, offset). */
  begin(key: string, offset: number): void {
    this.calls++;
    this.concurrent++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    if (this.running.has(key)) this.problems.push(`key ${key}: offset ${offset} began while another record of the key ran`);
    this.running.add(key);
    let seq = this.sequences.get(key);
    if (!seq) this.sequences.set(key, (seq = []));
    seq.push(offset);
  }

  /** Call when that handler ended (success or failure). */
  end(key: string): void {
    this.concurrent--;
    this.running.delete(key);
  }

  /** Distinct records handled. */
  get distinct(): number {
    let n = 0;
    for (const seq of this.sequences.values()) n += new Set(seq).size;
    return n;
  }

  /** Redeliveries: handler calls beyond the first for a record. */
  get repeats(): number {
    return this.calls - this.distinct;
  }

  /**
   * The problems found: overlaps, skips and records missing. `expected` gives how many records
   * each key has (they were produced with these keys).
   */
  check(expected: ReadonlyMap<string, number>): string[] {
    const problems = [...this.problems];
    for (const [key, count] of expected) {
      const seq = this.sequences.get(key) ?? [];
      const offsets = [...new Set(seq)].sort((a, b) => a - b);
      if (offsets.length !== count) problems.push(`key ${key}: ${offsets.length} of ${count} records handled`);
      const index = new Map(offsets.map((o, i) => [o, i]));
      let prev = -1;
      for (const offset of seq) {
        const i = index.get(offset)!;
        if (i > prev + 1) problems.push(`key ${key}: offset ${offset} handled before offset ${offsets[prev + 1]}`);
        prev = i;
      }
    }
    for (const key of this.sequences.keys()) if (!expected.has(key)) problems.push(`key ${key} was never produced`);
    return problems;
  }
}
