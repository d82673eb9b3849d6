import {
  describeCause,
  KafkaConfigError,
  SchemaRegistrationError,
  SchemaRegistryRequestError,
  SchemaRegistryTlsError,
  SchemaRegistryUnavailableError,
  UnsupportedSchemaTypeError,
  type ConfigProblem,
} from '../errors.js';
import { createTlsFetch, findTlsFailure, loadRegistryTls, type SchemaRegistryTlsOptions } from './registry-tls.js';
import type { RegisteredSchema, SchemaRegistryClient } from './schema-registry.js';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** Credentials for the registry: HTTP basic (Confluent Cloud API key and secret) or a bearer token. */
export type SchemaRegistryAuth = { readonly username: string; readonly password: string } | { readonly token: string };

/** How to reach a Confluent-compatible schema registry. */
export interface SchemaRegistryClientOptions {
  /** Base URL of the Confluent-compatible API, e.g. `http://localhost:8081` or Apicurio's `http://host:8080/apis/ccompat/v7`. */
  readonly url: string;
  /** Basic or bearer credentials; none by default. */
  readonly auth?: SchemaRegistryAuth;
  /** Time limit of one request, ms (default 10000). A request that runs out is a `SchemaRegistryUnavailableError`. */
  readonly requestTimeoutMs?: number;
  /**
   * TLS for an `https` URL: a private CA, a client certificate and key (mutual TLS), or
   * `rejectUnauthorized: false`. Requests then go through `node:https`. Not with `fetch`.
   */
  readonly tls?: SchemaRegistryTlsOptions;
  /** The `fetch` to use (default: Node's global `fetch`); for a proxy agent, or tests. Not with `tls`. */
  readonly fetch?: typeof fetch;
}

/** The raw REST calls of a Confluent-compatible registry, one HTTP request each (no cache). */
export class RegistryHttp implements SchemaRegistryClient {
  readonly url: string;
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(options: SchemaRegistryClientOptions) {
    const tlsFetch = validate(options);
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.url = this.baseUrl;
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.fetchFn = tlsFetch ?? options.fetch ?? globalThis.fetch;
    this.headers = { Accept: `${CONTENT_TYPE}, application/json`, ...authorization(options.auth) };
  }

  async register(subject: string, schema: string): Promise<number> {
    const answer = await this.request('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema }, subject);
    return readInteger(answer, 'id', `register ${subject}`);
  }

  async schemaById(id: number): Promise<string> {
    const answer = await this.request('GET', `/schemas/ids/${id}`);
    requireAvro(answer, `schema id ${id}`);
    return readString(answer, 'schema', `schema ${id}`);
  }

  async latestVersion(subject: string): Promise<RegisteredSchema> {
    const request = `latest version of ${subject}`;
    const answer = await this.request('GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`);
    requireAvro(answer, `the latest version of subject ${subject}`);
    return {
      subject,
      id: readInteger(answer, 'id', request),
      version: readInteger(answer, 'version', request),
      schema: readString(answer, 'schema', request),
    };
  }

  async checkReachable(): Promise<void> {
    await this.request('GET', '/config');
  }

  /** One request; `registerSubject` marks a registration, whose 409 and 422 are refusals. */
  private async request(method: 'GET' | 'POST', path: string, body?: object, registerSubject?: string): Promise<unknown> {
    const what = `${method} ${path}`;
    let response: Response;
    try {
      response = await this.fetchFn(this.baseUrl + path, {
        method,
        headers: body === undefined ? this.headers : { ...this.headers, 'Content-Type': CONTENT_TYPE },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      const tls = findTlsFailure(cause);
      if (tls) throw new SchemaRegistryTlsError(this.baseUrl, tls.code, `${what}: ${tls.problem}`, cause);
      const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
      throw new SchemaRegistryUnavailableError(
        this.baseUrl,
        timedOut ? `${what} got no answer within ${this.timeoutMs} ms` : `${what}: ${describeCause(cause)}`,
        cause,
      );
    }
    const text = await response.text().catch(() => '');
    if (response.ok) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new SchemaRegistryRequestError(what, response.status, 'the answer is not JSON');
      }
    }
    const message = registryMessage(text);
    if (response.status >= 500 || response.status === 408 || response.status === 429) {
      throw new SchemaRegistryUnavailableError(this.baseUrl, `${what} answered HTTP ${response.status}: ${message}`);
    }
    if (registerSubject !== undefined && (response.status === 409 || response.status === 422)) {
      throw new SchemaRegistrationError(registerSubject, response.status, message);
    }
    throw new SchemaRegistryRequestError(what, response.status, message);
  }
}

/** Refuses an answer whose `schemaType` is not Avro (the registry omits the field for Avro). */
function requireAvro(answer: unknown, what: string): void {
  const type = (answer as { schemaType?: unknown } | null)?.schemaType;
  if (type !== undefined && type !== 'AVRO')
    throw new UnsupportedSchemaTypeError(what, typeof type === 'string' ? type : JSON.stringify(type));
}

function authorization(auth: SchemaRegistryAuth | undefined): Record<string, string> {
  if (!auth) return {};
  if ('token' in auth) return { Authorization: `Bearer ${auth.token}` };
  return { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
}

/** The registry's `message` field, or the body text when it is not the usual error JSON. */
function registryMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: the text itself is the best explanation
  }
  return text.slice(0, 500) || '(empty answer)';
}

function readInteger(answer: unknown, field: string, request: string): number {
  const value = (answer as Record<string, unknown> | null)?.[field];
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new SchemaRegistryRequestError(request, undefined, `the answer has no integer "${field}"`);
  return value;
}

function readString(answer: unknown, field: string, request: string): string {
  const value = (answer as Record<string, unknown> | null)?.[field];
  if (typeof value !== 'string') throw new SchemaRegistryRequestError(request, undefined, `the answer has no string "${field}"`);
  return value;
}

/** Checks the options (one `KafkaConfigError` naming every bad field); returns the TLS `fetch` when `tls` is set. */
function validate(options: SchemaRegistryClientOptions): typeof fetch | undefined {
  const problems: ConfigProblem[] = [];
  let url: URL | undefined;
  try {
    url = new URL(options.url);
  } catch {
    problems.push({ field: 'url', problem: `is not a URL: ${String(options.url)}` });
  }
  if (url && url.protocol !== 'http:' && url.protocol !== 'https:')
    problems.push({ field: 'url', problem: `must be http or https, got ${url.protocol}` });
  const timeout = options.requestTimeoutMs;
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout <= 0))
    problems.push({ field: 'requestTimeoutMs', problem: `must be a positive integer, got ${timeout}` });
  const tls = options.tls === undefined ? undefined : loadRegistryTls(options.tls, url, problems);
  if (options.tls !== undefined && options.fetch !== undefined)
    problems.push({ field: 'tls', problem: 'cannot be combined with fetch (give that fetch its own TLS settings)' });
  if (problems.length > 0) throw new KafkaConfigError('schema registry', problems);
  return tls && createTlsFetch(tls);
}
