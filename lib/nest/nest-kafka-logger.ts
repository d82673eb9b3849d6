import { Logger } from '@nestjs/common';
import type { LogData } from '../core/errors.js';
import type { KafkaLogger, KafkaLogLevel } from '../core/logger.js';
import { currentRequestId } from '../core/request-context.js';
import { currentTraceId } from '../core/telemetry/trace-id.js';

const LEVEL_ORDER: Record<KafkaLogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, nothing: 4 };

// Field names whose values may hold credentials or key material; their values never reach a log.
const SECRET_FIELD = /pass(word)?|secret|token|credential|sasl|ssl|cert|private|^key$|clientkey/i;

/**
 * A core {@link KafkaLogger} that writes to Nest's `Logger`, so library and kafkajs logs follow
 * whatever `app.useLogger()` installed. Levels map debug→debug, info→log, warn→warn,
 * error→error; entries below `level` are dropped. Secret-looking fields are redacted. A line
 * written while a record is handled (or inside any traced or `runWithRequestId` context) carries
 * `requestId` and `traceId` of that context, unless its data already names them.
 */
export class NestKafkaLogger implements KafkaLogger {
  private readonly logger: Logger;
  private readonly min: number;

  constructor(context: string, level: KafkaLogLevel = 'info') {
    this.logger = new Logger(context);
    this.min = LEVEL_ORDER[level];
  }

  /** Writes a debug entry. */
  debug(message: string, data?: LogData): void {
    if (this.min <= LEVEL_ORDER.debug) this.logger.debug(format(message, data));
  }

  /** Writes an info entry (Nest's `log`). */
  info(message: string, data?: LogData): void {
    if (this.min <= LEVEL_ORDER.info) this.logger.log(format(message, data));
  }

  /** Writes a warning. */
  warn(message: string, data?: LogData): void {
    if (this.min <= LEVEL_ORDER.warn) this.logger.warn(format(message, data));
  }

  /** Writes an error entry. */
  error(message: string, data?: LogData): void {
    if (this.min <= LEVEL_ORDER.error) this.logger.error(format(message, data));
  }
}

function format(message: string, data: LogData | undefined): string {
  data = withContextIds(data);
  if (!data) return message;
  const shown = Object.entries(data).filter(([, v]) => v !== undefined);
  if (shown.length === 0) return message;
  try {
    return `${message} ${JSON.stringify(Object.fromEntries(shown), redact)}`;
  } catch {
    return `${message} [unserialisable log data]`;
  }
}

function redact(key: string, value: unknown): unknown {
  if (key !== '' && SECRET_FIELD.test(key)) return '[redacted]';
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** `data` plus the request id and trace id of the current async context, where it lacks them. */
function withContextIds(data: LogData | undefined): LogData | undefined {
  const requestId = data?.requestId === undefined ? currentRequestId() : undefined;
  const traceId = data?.traceId === undefined ? currentTraceId() : undefined;
  if (requestId === undefined && traceId === undefined) return data;
  return { ...data, ...(requestId !== undefined && { requestId }), ...(traceId !== undefined && { traceId }) };
}
