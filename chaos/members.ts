/**
 * The member processes of a scenario: spawned with `fork` (IPC for state and the stop command),
 * killed or stopped gracefully, and all SIGKILLed if the runner exits any way it can still run
 * code. Members also exit by themselves when the runner's IPC channel closes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHandled, type HandledLine, type MemberEvent, type MemberParams } from './member-protocol.js';

const memberScript = fileURLToPath(new URL('./member-main.js', import.meta.url));
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function killAllMembers(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

/** One member process. */
export class Member {
  /** Latest state the member reported, e.g. `Consuming`. */
  state = 'none';
  /** False once the process has exited. */
  alive = true;
  /** Every state change, in order. */
  readonly states: { state: string; at: number }[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters: { state: string; resolve: () => void }[] = [];

  constructor(
    readonly params: MemberParams,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (event: MemberEvent) => {
      if (event.kind !== 'state') return;
      this.state = event.state;
      this.states.push({ state: event.state, at: event.at });
      for (const w of this.waiters.filter((w) => w.state === event.state)) w.resolve();
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        live.delete(child);
        this.alive = false;
        resolve({ code, signal });
      }),
    );
  }

  get name(): string {
    return this.params.name;
  }

  /** Resolves when the member reports `state` (at once if it already did); rejects after `timeoutMs`. */
  waitForState(state: string, timeoutMs: number): Promise<void> {
    if (this.states.some((s) => s.state === state)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`member ${this.name} did not reach ${state} within ${timeoutMs} ms (state ${this.state})`)),
        timeoutMs,
      );
      this.waiters.push({ state, resolve: () => (clearTimeout(timer), resolve()) });
      void this.exited.then(() => reject(new Error(`member ${this.name} exited before ${state}`)));
    });
  }

  /** SIGKILL. Resolves when the process is gone. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Graceful: `stopAndWait()` + `close()` in the member; SIGKILL after `timeoutMs`. Resolves with how long it took. */
  async stop(timeoutMs = 45_000): Promise<{ ms: number; graceful: boolean }> {
    const started = Date.now();
    if (!this.alive) return { ms: 0, graceful: true };
    this.child.send({ kind: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return { ms: Date.now() - started, graceful: exit.code === 0 };
  }
}

/** Spawns members into `dir` and collects what they handled. */
export class MemberPool {
  readonly members: Member[] = [];
  private count = 0;

  constructor(
    private readonly dir: string,
    private readonly base: Omit<MemberParams, 'name' | 'handledFile' | 'logFile'>,
  ) {
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', killAllMembers);
    }
  }

  /** Starts one more member (a fresh process, a fresh kafkajs member id). */
  spawn(): Member {
    const name = `m${++this.count}`;
    const params: MemberParams = {
      ...this.base,
      name,
      handledFile: join(this.dir, `handled-${name}.txt`),
      logFile: join(this.dir, `log-${name}.jsonl`),
    };
    const out = openSync(join(this.dir, `out-${name}.txt`), 'a');
    const child = fork(memberScript, [JSON.stringify(params)], { stdio: ['ignore', out, out, 'ipc'] });
    closeSync(out);
    live.add(child);
    const member = new Member(params, child);
    this.members.push(member);
    return member;
  }

  /** Members that have not exited, oldest first. */
  get running(): Member[] {
    return this.members.filter((m) => m.alive);
  }

  /** Every handler completion so far, from every member that ever ran. */
  handled(): HandledLine[] {
    return this.members.flatMap((m) => (existsSync(m.params.handledFile) ? parseHandled(readFileSync(m.params.handledFile, 'utf8')) : []));
  }

  /** Every log entry of every member, parsed. */
  logs(): { at: number; member: string; level: string; message: string; data?: unknown }[] {
    return this.members.flatMap((m) =>
      existsSync(m.params.logFile)
        ? readFileSync(m.params.logFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .flatMap((line) => {
              try {
                return [JSON.parse(line) as { at: number; member: string; level: string; message: string; data?: unknown }];
              } catch {
                return [];
              }
            })
        : [],
    );
  }

  /** Stops every running member gracefully (in parallel). */
  async stopAll(): Promise<void> {
    await Promise.all(this.running.map((m) => m.stop()));
  }

  /** SIGKILLs every running member. */
  async killAll(): Promise<void> {
    await Promise.all(this.running.map((m) => m.kill()));
  }
}
