import type { AvroSchema, OnHandlerError } from '../lib/index.js';

/** What the runner hands a member process (JSON in argv[2]) and what they say to each other. */
export interface MemberParams {
  /** Name for logs, e.g. `m3`. */
  readonly name: string;
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly groupName: string;
  readonly numWorkers: number;
  /** Handler work per record (an await), ms; 0 = none. */
  readonly handlerMs: number;
  /** One line per handler completion is appended here (synchronously, so a SIGKILL loses none). */
  readonly handledFile: string;
  /** Every log entry of the group, as JSON lines. */
  readonly logFile: string;
  /** Decode values as Avro with the scenario's schema (C6); otherwise JSON. */
  readonly avro: boolean;
  /** Ids whose handler throws (C6). */
  readonly throwForIds: readonly number[];
  /** Subscribe to `group.errors` (writing to the log file); false leaves the errors to the library. */
  readonly subscribeErrors: boolean;
  /** Ids whose handler throws on the original topic only, so a retry topic handles them (C8). */
  readonly failOnceIds?: readonly number[];
  /** The group's failure policy (C8: retry topics and a dead-letter topic). */
  readonly onError?: OnHandlerError;
  /** Group session timeout, ms (library default when absent). */
  readonly messageConsumeTimeout?: number;
}

/** Member to runner. */
export type MemberEvent =
  { readonly kind: 'state'; readonly state: string; readonly at: number } | { readonly kind: 'closed'; readonly at: number };

/** Runner to member: graceful stop (`stopAndWait()` then `close()`), then exit. */
export interface MemberCommand {
  readonly kind: 'stop';
}

/** One handler completion as written to the handled file. */
export interface HandledLine {
  readonly id: number;
  readonly at: number;
  readonly partition: number;
  readonly offset: string;
  /** False when the handler threw (the library still commits it, as dp-kafka does). */
  readonly ok: boolean;
  readonly member: string;
}

/** `id at partition offset ok member` */
export function formatHandled(line: HandledLine): string {
  return `${line.id} ${line.at} ${line.partition} ${line.offset} ${line.ok ? 1 : 0} ${line.member}\n`;
}

/** Parses the lines of handled files; a torn last line (SIGKILL mid-write) is skipped. */
export function parseHandled(text: string): HandledLine[] {
  const out: HandledLine[] = [];
  for (const row of text.split('\n')) {
    const [id, at, partition, offset, ok, member] = row.split(' ');
    if (member === undefined || !Number.isInteger(Number(id))) continue;
    out.push({ id: Number(id), at: Number(at), partition: Number(partition), offset: offset!, ok: ok === '1', member });
  }
  return out;
}

/** The Avro schema of C6's valid records. */
export const CHAOS_AVRO_SCHEMA: AvroSchema = {
  type: 'record',
  name: 'ChaosRecord',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'note', type: 'string' },
  ],
};
