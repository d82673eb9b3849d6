/** Errors of the schema-registry harness (test environment, not the library's API). */
import { KafkaHarnessError } from '../kafka/errors.js';

/** Maven could not download the registry, or the download is not what we expect. */
export class RegistryFetchError extends KafkaHarnessError {
  constructor(version: string, detail: string, outputTail: string) {
    super(`could not fetch Apicurio Registry ${version} from Maven Central: ${detail}\n--- last lines of output ---\n${outputTail}`, {
      version,
    });
  }
}

/** The registry JVM exited, or did not answer, before it was ready. */
export class RegistryStartError extends KafkaHarnessError {
  constructor(detail: string, logTail: string) {
    super(`the schema registry did not start: ${detail}\n--- last lines of its log ---\n${logTail}`);
  }
}
