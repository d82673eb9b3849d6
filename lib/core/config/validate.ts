import { KafkaConfigError, type ConfigProblem } from '../errors.js';
import { closestName } from './did-you-mean.js';

/**
 * The option names of a config type, as a runtime list. The argument names each key of `T`
 * exactly once (`{ topic: true, … }`): the compiler rejects a missing or an extra one, so the
 * list cannot drift from the interface.
 */
export function optionNames<T>(keys: { readonly [K in keyof Required<T>]: true }): readonly string[] {
  return Object.freeze(Object.keys(keys));
}

/**
 * Collects every problem of a config so that one {@link KafkaConfigError} can name them all,
 * instead of failing on the first.
 */
export class ConfigChecker {
  private readonly problems: ConfigProblem[] = [];

  /** The problems recorded so far. */
  get recorded(): readonly ConfigProblem[] {
    return [...this.problems];
  }

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

  /**
   * Records every own key of `value` that is not in `known` (a typo or an option that does not
   * exist would otherwise be ignored without a word), with the closest known name as a hint.
   * Keys whose value is `undefined` count too: `{ numWorker: undefined }` is still a typo.
   *
   * @param prefix - prepended to each field name, e.g. `security.`
   */
  knownKeys(value: unknown, known: readonly string[], prefix = ''): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const hint = closestName(key, known);
      this.require(false, `${prefix}${key}`, `is not a known option${hint ? ` (did you mean ${hint}?)` : ''}`);
    }
  }

  /** Throws one error naming every recorded problem, if there is any. */
  throwIfAny(subject: string): void {
    if (this.problems.length > 0) throw new KafkaConfigError(subject, this.problems);
  }
}

/** Checks a broker list: a non-empty array of `host:port` strings, each port in 1..65535. */
export function checkBrokers(checker: ConfigChecker, brokers: unknown, field = 'brokers'): void {
  if (typeof brokers === 'string') {
    checker.require(false, field, `must be an array of host:port strings, not a string (write [${JSON.stringify(brokers)}])`);
    return;
  }
  if (brokers !== undefined && !Array.isArray(brokers)) {
    checker.require(false, field, 'must be a non-empty array of host:port strings');
    return;
  }
  if (!checker.require(Array.isArray(brokers) && brokers.length > 0, field, 'is required (a non-empty array of host:port)')) {
    return;
  }
  (brokers as unknown[]).forEach((b, i) => {
    const problem = brokerAddressProblem(b);
    if (problem !== undefined) checker.require(false, `${field}[${i}]`, problem);
  });
}

/**
 * Why `address` is not a usable `host:port` broker address (the message names the address), or
 * `undefined` when it is one. kafkajs splits addresses on `:`, so a host cannot hold one (no IPv6
 * literals).
 */
export function brokerAddressProblem(address: unknown): string | undefined {
  if (typeof address !== 'string') return 'must be a host:port string';
  const shown = JSON.stringify(address);
  const text = address.trim();
  const colon = text.indexOf(':');
  if (colon < 0) return `${shown} has no port (expected host:port)`;
  const host = text.slice(0, colon);
  const port = text.slice(colon + 1);
  if (host === '') return `${shown} has an empty host (expected host:port)`;
  if (/[\s/[\]@]/.test(host)) return `${shown} has an invalid host "${host}"`;
  if (port === '') return `${shown} has no port (expected host:port)`;
  if (!/^\d+$/.test(port)) return `${shown} has a port that is not a number ("${port}")`;
  const number = Number(port);
  if (number < 1 || number > 65_535) return `${shown} has port ${number}, outside 1-65535`;
  return undefined;
}
