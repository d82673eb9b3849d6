/**
 * Errors of the embedded-Kafka harness. They extend the library's {@link KafkaError} so every
 * failure the project reports has one shape, but they live here: they are about the test
 * environment (Java, Maven, ports, broker JVMs), not about the library's public API.
 */
import { KafkaError, type LogData } from '../../lib/core/errors.js';

/** Base class of every harness failure. */
export class KafkaHarnessError extends KafkaError {
  constructor(message: string, logData: LogData = {}, cause?: unknown) {
    super(message, logData, cause === undefined ? undefined : { cause });
  }
}

/** A program the harness needs (`java`, `mvn`, `openssl`) is not installed or does not run. */
export class MissingToolError extends KafkaHarnessError {
  constructor(tool: string, hint: string, cause?: unknown) {
    super(`${tool} is required but could not be run: ${hint}`, { tool }, cause);
  }
}

/** Maven could not download Kafka's jars; the message ends with the tail of Maven's output. */
export class JarFetchError extends KafkaHarnessError {
  constructor(version: string, detail: string, outputTail: string) {
    super(`could not fetch Apache Kafka ${version} jars from Maven Central: ${detail}\n--- last lines of mvn output ---\n${outputTail}`, {
      version,
    });
  }
}

/** A port the harness was told to use is already taken, or the broker failed to bind one. */
export class PortTakenError extends KafkaHarnessError {
  /** `port` is undefined when the broker's log did not say which port failed. */
  constructor(port: number | undefined, detail = 'already in use') {
    super(`${port === undefined ? 'a listener port' : `port 127.0.0.1:${port}`} is ${detail}`, { port });
  }
}

/** `kafka.tools.StorageTool format` failed. */
export class StorageFormatError extends KafkaHarnessError {
  constructor(nodeId: number, outputTail: string) {
    super(`formatting KRaft storage for node ${nodeId} failed:\n${outputTail}`, { nodeId });
  }
}

/** A broker JVM exited before it was ready. */
export class BrokerExitedError extends KafkaHarnessError {
  constructor(nodeId: number, exit: string, logTail: string) {
    super(`kafka node ${nodeId} exited during start-up (${exit})\n--- last lines of its log ---\n${logTail}`, {
      nodeId,
    });
  }
}

/** A broker did not become ready within the time limit. */
export class BrokerStartTimeoutError extends KafkaHarnessError {
  constructor(nodeId: number, timeoutMs: number, waitingFor: string, logTail: string) {
    super(
      `kafka node ${nodeId} was not ready within ${timeoutMs} ms (still waiting for ${waitingFor})\n--- last lines of its log ---\n${logTail}`,
      { nodeId, timeoutMs },
    );
  }
}

/** A harness option or command-line argument is invalid. */
export class HarnessUsageError extends KafkaHarnessError {}
