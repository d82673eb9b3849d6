/**
 * Where producers and consumer groups schedule their first background connection attempt: on the
 * next turn, unless they are built inside a {@link BackgroundStartHold}. A framework that builds
 * clients during dependency injection holds their starts until the application was constructed,
 * so a construction that fails later leaves no connection and no retry timer behind.
 */
let holdStart: ((start: () => void) => void) | undefined;

/** Runs `start` on the next turn, or when the hold collecting the current build is released. */
export function scheduleBackgroundStart(start: () => void): void {
  if (holdStart) holdStart(start);
  else setImmediate(start);
}

/** Background starts of the clients built through {@link collect}, run on {@link release}. */
export class BackgroundStartHold {
  private readonly starts: Array<() => void> = [];
  private released = false;

  /** Builds clients (synchronously) with their background starts held here. */
  collect<T>(build: () => T): T {
    const outer = holdStart;
    holdStart = (start) => this.add(start);
    try {
      return build();
    } finally {
      holdStart = outer;
    }
  }

  /** Starts every held client (once); a client closed meanwhile ignores its start. */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const start of this.starts.splice(0)) setImmediate(start);
  }

  /** Holds `start` until {@link release} (or runs it on the next turn once released). */
  add(start: () => void): void {
    if (this.released) setImmediate(start);
    else this.starts.push(start);
  }
}
