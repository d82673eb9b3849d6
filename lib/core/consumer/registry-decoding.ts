import type { ConsumerSchemaRegistryOptions } from '../registry/registry-options.js';
import { RegistryRecordDecoder } from '../registry/registry-record-decoder.js';
import { attachRegistryDecoding, type KafkaMessage, type RegistryDecoding } from '../message.js';
import type { BatchHandler } from './batch-dispatcher.js';
import type { MessageHandler } from './invoke-handler.js';

const noop = (): void => {};

/** The decoding of a group's `schemaRegistry` option, or `undefined` without one. */
export function registryDecodingOf(options: ConsumerSchemaRegistryOptions | undefined): RegistryDecoding | undefined {
  return options ? { decoder: new RegistryRecordDecoder(options.registry), keys: options.decodeKeys ?? false } : undefined;
}

/**
 * The step before a handler of a registry group: attaches the decoding to the message and makes
 * sure the writer schemas of its value (and key, when keys are framed) are known. `undefined` when
 * they are (the common case: no promise); otherwise the promise of fetching them. Throws
 * `RegistryFramingError` for bytes without the framing. A tombstone (no value) needs nothing.
 */
function prepare(message: KafkaMessage, decoding: RegistryDecoding): Promise<void> | undefined {
  attachRegistryDecoding(message, decoding);
  const value = message.value === null ? undefined : decoding.decoder.prepare(message.value);
  const key = decoding.keys && message.key !== null ? decoding.decoder.prepare(message.key) : undefined;
  if (key === undefined) return value;
  return value === undefined ? key : Promise.all([value, key]).then(noop);
}

/**
 * `handler` behind the registry step: its failures (framing, registry unavailable, unknown id)
 * are the handler's, so the failure policy sees them (`SchemaRegistryUnavailableError` retryable,
 * `RegistryFramingError` not).
 */
export function decodingMessageHandler(handler: MessageHandler, decoding: RegistryDecoding): MessageHandler {
  return (message, workerId) => {
    let pending: Promise<void> | undefined;
    try {
      pending = prepare(message, decoding);
    } catch (error) {
      return Promise.reject(error);
    }
    return pending === undefined ? handler(message, workerId) : pending.then(() => handler(message, workerId));
  };
}

/** A batch handler behind the registry step: one record that cannot be prepared fails the batch (see `batchFailure`). */
export function decodingBatchHandler(handler: BatchHandler, decoding: RegistryDecoding): BatchHandler {
  return (messages) => {
    let pending: Array<Promise<void>> | undefined;
    try {
      for (const message of messages) {
        const loading = prepare(message, decoding);
        if (loading !== undefined) (pending ??= []).push(loading);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return pending === undefined ? handler(messages) : Promise.all(pending).then(() => handler(messages));
  };
}
