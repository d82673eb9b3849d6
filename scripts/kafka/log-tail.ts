/** Keeps the last lines of a broker's output for error messages, and watches for patterns. */

/** Default number of lines kept. */
export const LOG_TAIL_LINES = 60;

/** A bounded buffer of output lines. */
export class LogTail {
  private readonly lines: string[] = [];
  private partial = '';
  private readonly watchers = new Set<(line: string) => void>();

  constructor(private readonly capacity = LOG_TAIL_LINES) {}

  /** Feeds a chunk of raw output. */
  push(chunk: string): void {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.add(line);
  }

  /** Calls `watcher` for every later complete line; returns a function that stops watching. */
  watch(watcher: (line: string) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** True when any kept line matches. */
  includes(pattern: RegExp): boolean {
    return this.lines.some((l) => pattern.test(l)) || pattern.test(this.partial);
  }

  /** The kept lines (and any unterminated last line) as one text. */
  text(): string {
    return [...this.lines, ...(this.partial ? [this.partial] : [])].join('\n') || '(no output)';
  }

  private add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.shift();
    for (const watcher of this.watchers) watcher(line);
  }
}
