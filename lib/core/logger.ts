import { logLevel, type logCreator } from 'kafkajs';
import type { LogData } from './errors.js';
import { TransientErrorEpisodes, transientKafkaJsError } from './transient-kafkajs-errors.js';

/** The logger the library writes to. Nest's Logger, pino or console fit behind it. */
export interface KafkaLogger {
  debug(message: string, data?: LogData): void;
  info(message: string, data?: LogData): void;
  warn(message: string, data?: LogData): void;
  error(message: string, data?: LogData): void;
}

/** Verbosity names accepted in configs, lowest first. */
export type KafkaLogLevel = 'debug' | 'info' | 'warn' | 'error' | 'nothing';

const LEVEL_ORDER: Record<KafkaLogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, nothing: 4 };

/** A logger that writes one JSON-ish line per entry to the console, from `level` up. */
export function createConsoleLogger(level: KafkaLogLevel = 'info'): KafkaLogger {
  const min = LEVEL_ORDER[level];
  const write = (lvl: Exclude<KafkaLogLevel, 'nothing'>) => (message: string, data?: LogData) => {
    if (LEVEL_ORDER[lvl] < min) return;
    const line = data && Object.keys(data).length > 0 ? `${message} ${safeStringify(data)}` : message;
    (lvl === 'error' ? console.error : lvl === 'warn' ? console.warn : console.log)(`[kafka] ${lvl}: ${line}`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** A logger that drops everything (for tests and benchmarks). */
export const silentLogger: KafkaLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** kafkajs log level for one of ours. */
export function toKafkaJsLogLevel(level: KafkaLogLevel): logLevel {
  switch (level) {
    case 'debug':
      return logLevel.DEBUG;
    case 'info':
      return logLevel.INFO;
    case 'warn':
      return logLevel.WARN;
    case 'error':
      return logLevel.ERROR;
    case 'nothing':
      return logLevel.NOTHING;
  }
}

/**
 * Routes kafkajs' own log entries to a {@link KafkaLogger}. kafkajs logs every retriable protocol
 * or connection error (a broker restarting, a coordinator still loading) at error level; those
 * arrive here as warnings, because the failures that matter reach the library's error stream as
 * typed errors and are logged from there. The self-resolving ones of a cluster settling (coordinator
 * not available, no leader yet for a new topic, a group forming) are debug for their first seconds
 * and warnings only if they persist (see transient-kafkajs-errors.ts). One creator per client.
 */
export function kafkaJsLogCreator(logger: KafkaLogger, episodes = new TransientErrorEpisodes()): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, stack: _stack, ...rest } = log;
      const data: LogData = { ...rest, namespace: log.namespace ?? undefined };
      const text = `kafkajs: ${message}`;
      if (level === logLevel.ERROR || level === logLevel.WARN) {
        const transient = transientKafkaJsError(message, rest.error);
        if (transient === undefined) return logger.warn(text, data);
        const { quiet, failingForMs } = episodes.occurred(transient);
        if (quiet) logger.debug(text, data);
        else logger.warn(text, { ...data, failingForMs });
      } else if (level === logLevel.INFO) logger.info(text, data);
      else logger.debug(text, data);
    };
}

function safeStringify(data: LogData): string {
  try {
    return JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return '[unserialisable log data]';
  }
}
