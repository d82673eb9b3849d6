import { Kafka, logLevel } from 'kafkajs';
import { readCaseParams, type CaseParams } from './protocol.js';

/**
 * Entry point of a case process: runs `body` with the parameters from argv and turns any failure
 * into a message on stderr and exit code 1, so the runner reports it and goes on with the next case.
 */
export function runCaseProcess(body: (params: CaseParams) => Promise<void>): void {
  let params: CaseParams;
  try {
    params = readCaseParams();
  } catch (err) {
    process.stderr.write(`${String(err)}\n`);
    process.exitCode = 1;
    return;
  }
  body(params).then(
    () => {
      // Some clients leave timers behind after disconnect; the result is out, so leave now.
      setTimeout(() => process.exit(process.exitCode ?? 0), 200).unref();
    },
    (err: unknown) => {
      process.stderr.write(`case ${params.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}

/** A plain kafkajs client with its logging off (the raw baselines). */
export function rawClient(params: CaseParams, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [...params.brokers], logLevel: logLevel.NOTHING });
}
