import { logLevel, type logCreator } from 'kafkajs';
import type { LogData } from './errors.js';

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
 * typed errors and are logged from there.
 */
export function kafkaJsLogCreator(logger: KafkaLogger): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, stack: _stack, ...rest } = log;
      const data: LogData = { ...rest, namespace: log.namespace ?? undefined };
      const text = `kafkajs: ${message}`;
      if (level === logLevel.ERROR || level === logLevel.WARN) logger.warn(text, data);
      else if (level === logLevel.INFO) logger.info(text, data);
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
