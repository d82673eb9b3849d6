/** The states of a consumer group, with dp-kafka's names and numbers. */
export enum ConsumerState {
  /** Not connected yet: the broker was not reached (retrying in the background). */
  Initialising = 0,
  /** Connected, not consuming; waiting for `start()`. */
  Stopped = 1,
  /** Consuming was requested: joining the group, rebalancing or backing off after a crash. */
  Starting = 2,
  /** A member of the group with partitions assigned (or an empty assignment). */
  Consuming = 3,
  /** A stop was requested: in-flight work drains and is committed. */
  Stopping = 4,
  /** `close()` began. Terminal. */
  Closing = 5,
}

/** A listener of state changes. */
export type StateListener = (state: ConsumerState, previous: ConsumerState) => void;

/**
 * Moves between the legal transitions only (the table below): anything else is refused, so an
 * illegal transition cannot happen whatever order events arrive in. Listeners that throw are
 * isolated; they never break a transition.
 */
const ALLOWED: Readonly<Record<ConsumerState, readonly ConsumerState[]>> = {
  [ConsumerState.Initialising]: [ConsumerState.Stopped, ConsumerState.Starting, ConsumerState.Closing],
  [ConsumerState.Stopped]: [ConsumerState.Starting, ConsumerState.Closing],
  [ConsumerState.Starting]: [ConsumerState.Consuming, ConsumerState.Stopping, ConsumerState.Closing],
  [ConsumerState.Consuming]: [ConsumerState.Starting, ConsumerState.Stopping, ConsumerState.Closing],
  [ConsumerState.Stopping]: [ConsumerState.Stopped, ConsumerState.Closing],
  [ConsumerState.Closing]: [],
};

/** Holds the current {@link ConsumerState} and notifies on change. */
export class ConsumerStateMachine {
  private current = ConsumerState.Initialising;
  private readonly listeners = new Set<StateListener>();
  private readonly waiters = new Map<ConsumerState, Array<() => void>>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  /** The current state. */
  get state(): ConsumerState {
    return this.current;
  }

  /** Whether `to` may follow the current state. */
  canMoveTo(to: ConsumerState): boolean {
    return ALLOWED[this.current].includes(to);
  }

  /** Moves to `to` if legal from the current state; returns whether it moved. */
  moveTo(to: ConsumerState): boolean {
    if (!this.canMoveTo(to)) return false;
    const previous = this.current;
    this.current = to;
    const waiting = this.waiters.get(to);
    this.waiters.delete(to);
    waiting?.forEach((resolve) => resolve());
    for (const listener of [...this.listeners]) {
      try {
        listener(to, previous);
      } catch (error) {
        this.onListenerError(error);
      }
    }
    return true;
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when `state` is entered; at once if it is current. */
  waitFor(state: ConsumerState): Promise<void> {
    if (this.current === state) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.waiters.get(state) ?? [];
      list.push(resolve);
      this.waiters.set(state, list);
    });
  }
}

/** The state's name, e.g. `Consuming`. */
export function consumerStateName(state: ConsumerState): string {
  return ConsumerState[state] ?? String(state);
}
