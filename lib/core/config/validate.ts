import { KafkaConfigError, type ConfigProblem } from '../errors.js';

/**
 * Collects every problem of a config so that one {@link KafkaConfigError} can name them all,
 * instead of failing on the first.
 */
export class ConfigChecker {
  private readonly problems: ConfigProblem[] = [];

  /** Records `problem` for `field` unless `ok` holds. Returns `ok`. */
  require(ok: boolean, field: string, problem: string): boolean {
    if (!ok) this.problems.push({ field, problem });
    return ok;
  }

  /** A finite number > 0 (or >= 0 with `allowZero`), when present or required. */
  positive(value: unknown, field: string, opts: { allowZero?: boolean; integer?: boolean } = {}): void {
    if (value === undefined) return;
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (opts.allowZero ? value >= 0 : value > 0) &&
      (!opts.integer || Number.isInteger(value));
    this.require(ok, field, `must be ${opts.integer ? 'an integer' : 'a number'} ${opts.allowZero ? '>= 0' : '> 0'}`);
  }

  /** A non-empty string. */
  nonEmptyString(value: unknown, field: string): void {
    this.require(typeof value === 'string' && value.trim().length > 0, field, 'is required (non-empty string)');
  }

  /** One of the listed values, when present. */
  oneOf<T>(value: unknown, allowed: readonly T[], field: string): void {
    if (value === undefined) return;
    this.require(allowed.includes(value as T), field, `must be one of ${allowed.map(String).join(', ')}`);
  }

  /** Throws one error naming every recorded problem, if there is any. */
  throwIfAny(subject: string): void {
    if (this.problems.length > 0) throw new KafkaConfigError(subject, this.problems);
  }
}

const BROKER_ADDRESS = /^[^\s:/]+:\d{1,5}$/;

/** Checks a broker list: a non-empty array of `host:port` strings. */
export function checkBrokers(checker: ConfigChecker, brokers: unknown, field = 'brokers'): void {
  if (!checker.require(Array.isArray(brokers) && brokers.length > 0, field, 'is required (a non-empty array of host:port)')) {
    return;
  }
  (brokers as unknown[]).forEach((b, i) => {
    checker.require(typeof b === 'string' && BROKER_ADDRESS.test(b.trim()), `${field}[${i}]`, 'must be a host:port string');
  });
}
