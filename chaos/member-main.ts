/**
 * One consumer-group member process: this module's `KafkaConsumerGroup` from the public entry,
 * with a handler that appends one line per completion to a file (synchronously, so a SIGKILL
 * right after the handler loses nothing the group may have committed). Exits when told to stop
 * (graceful: `stopAndWait()` then `close()`) or when the runner disappears.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { consumerStateName, KafkaConsumerGroup, type KafkaLogger, type LogData } from '../lib/index.js';
import { ID_HEADER } from './cluster.js';
import { CHAOS_AVRO_SCHEMA, formatHandled, type MemberCommand, type MemberEvent, type MemberParams } from './member-protocol.js';

const params = JSON.parse(process.argv[2] ?? '{}') as MemberParams;
const handledFd = openSync(params.handledFile, 'a');
const logFd = openSync(params.logFile, 'a');

function say(event: MemberEvent): void {
  if (process.connected) process.send?.(event);
}

function writeLog(level: string, message: string, data?: LogData): void {
  let text: string;
  try {
    text = JSON.stringify({ at: Date.now(), member: params.name, level, message, data }, (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
  } catch {
    text = JSON.stringify({ at: Date.now(), member: params.name, level, message, data: '[unserialisable]' });
  }
  writeSync(logFd, `${text}\n`);
}

const logger: KafkaLogger = {
  debug: () => undefined,
  info: (m, d) => writeLog('info', m, d),
  warn: (m, d) => writeLog('warn', m, d),
  error: (m, d) => writeLog('error', m, d),
};

const group = new KafkaConsumerGroup({
  brokers: [...params.brokers],
  topic: params.topic,
  groupName: params.groupName,
  clientId: `chaos-${params.name}`,
  numWorkers: params.numWorkers,
  logger,
  ...(params.messageConsumeTimeout === undefined ? {} : { messageConsumeTimeout: params.messageConsumeTimeout }),
  ...(params.onError === undefined ? {} : { onError: params.onError }),
});
if (params.subscribeErrors) {
  group.errors.on((error) => writeLog('error', `subscriber: ${error.name}: ${error.message}`, error.logData));
}
group.onStateChange((state) => {
  const name = consumerStateName(state);
  writeLog('info', `chaos: state ${name}`);
  say({ kind: 'state', state: name, at: Date.now() });
});
const throwFor = new Set(params.throwForIds);
const failOnce = new Set(params.failOnceIds ?? []);
group.registerHandler(async (message) => {
  const id = Number(message.getHeader(ID_HEADER));
  const done = (ok: boolean): void => {
    writeSync(
      handledFd,
      formatHandled({ id, at: Date.now(), partition: message.partition, offset: message.offset, ok, member: params.name }),
    );
  };
  try {
    if (params.avro) message.decode(CHAOS_AVRO_SCHEMA);
    else message.json();
    if (throwFor.has(id)) throw new Error(`chaos: the handler refuses record ${id}`);
    if (failOnce.has(id) && message.topic === params.topic) throw new Error(`chaos: record ${id} fails on its first delivery`);
    if (params.handlerMs > 0) await sleep(params.handlerMs);
  } catch (err) {
    done(false);
    throw err;
  }
  done(true);
});

let stopping = false;
process.on('message', (command: MemberCommand) => {
  if (command.kind !== 'stop' || stopping) return;
  stopping = true;
  void (async () => {
    await group.stopAndWait();
    await group.close();
    writeLog('info', 'chaos: closed');
    say({ kind: 'closed', at: Date.now() });
    closeSync(handledFd);
    process.exit(0);
  })();
});
// The runner is gone (even after its SIGKILL the IPC channel closes): nothing may outlive it.
process.on('disconnect', () => {
  if (!stopping) process.exit(1);
});
void group.start();
