/** Errors of the Node version installer (a test-environment tool, like the Kafka harness). */
import { KafkaError, type LogData } from '../../lib/core/errors.js';

/** A Node version could not be resolved, installed or run. */
export class NodeVersionError extends KafkaError {
  constructor(message: string, logData: LogData = {}, cause?: unknown) {
    super(message, logData, cause === undefined ? undefined : { cause });
  }
}
