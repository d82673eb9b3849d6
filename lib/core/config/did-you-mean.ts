/**
 * Option names of kafkajs and the Java client that users carry over, mapped to ours. They are too
 * far apart for the edit distance (`groupId` vs `groupName`), so they are looked up first.
 */
const OTHER_CLIENTS_NAMES: Readonly<Record<string, string>> = Object.freeze({
  groupId: 'groupName',
  'group.id': 'groupName',
  sessionTimeout: 'messageConsumeTimeout',
  fromBeginning: 'offset',
  partitionsConsumedConcurrently: 'numWorkers',
  autoCommitInterval: 'commitInterval',
  maxWaitTimeInMs: 'fetchMaxWaitTime',
  ssl: 'security',
  sasl: 'security',
  logLevel: 'kafkaJsLogLevel',
  'bootstrap.servers': 'brokers',
});

/**
 * The known name closest to `name` when it is close enough to be a typo, for "did you mean …?"
 * hints. Distance is Levenshtein's over lower-case letters; a name counts as close when at most
 * a third of its letters differ (at least one), so `numWorker` finds `numWorkers` and
 * `bogusOption` finds nothing.
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const alias = OTHER_CLIENTS_NAMES[name];
  if (alias !== undefined && known.includes(alias)) return alias;
  const wanted = name.toLowerCase();
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** Levenshtein distance: the fewest single-character insertions, deletions or substitutions from `a` to `b`. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
