import { REPLY_HEADERS } from './reply-headers.js';
import type { TopicProducers, TopicRecord } from './topic-producers.js';

/** Where a request asked its replies to go (read from its headers). */
export interface ReplyAddress {
  readonly replyTopic: string;
  /** The requester's reply partition; absent when the request named none (the producer then chooses). */
  readonly replyPartition: number | undefined;
  readonly correlationId: string;
}

/** What one reply says besides its body. */
export interface ReplyOutcome {
  /** The handler's error, already in its wire form (JSON text for an object). */
  readonly error?: string;
  /** The last reply of the request. */
  readonly last?: boolean;
}

/** A one-byte value for the "last reply" header (its presence is what counts). */
const PRESENT = Buffer.alloc(1);

/** The reply address of a request, or `undefined` when it carries no correlation id or reply topic (then it is an event). */
export function replyAddressOf(header: (name: string) => string | undefined): ReplyAddress | undefined {
  const correlationId = header(REPLY_HEADERS.correlationId);
  const replyTopic = header(REPLY_HEADERS.replyTopic);
  if (!correlationId || !replyTopic) return undefined;
  const partitionText = header(REPLY_HEADERS.replyPartition);
  const partition = partitionText === undefined ? Number.NaN : Number(partitionText);
  return { correlationId, replyTopic, replyPartition: Number.isInteger(partition) && partition >= 0 ? partition : undefined };
}

/**
 * Writes replies the way `@nestjs/microservices` reads them: to the requester's reply topic and
 * partition, with its correlation id, and the error and "last reply" headers when they apply.
 */
export class ReplyPublisher {
  constructor(private readonly producers: TopicProducers) {}

  /** Sends one reply; settles on the broker's acknowledgement. */
  publish(address: ReplyAddress, body: TopicRecord, outcome: ReplyOutcome = {}): Promise<void> {
    const headers: Record<string, Buffer | string> = { ...(body.headers ?? {}), [REPLY_HEADERS.correlationId]: address.correlationId };
    if (outcome.error !== undefined) headers[REPLY_HEADERS.error] = outcome.error;
    if (outcome.last) headers[REPLY_HEADERS.disposed] = PRESENT;
    const record: TopicRecord = { ...body, headers };
    return this.producers.send(
      address.replyTopic,
      address.replyPartition === undefined ? record : { ...record, partition: address.replyPartition },
    );
  }
}
