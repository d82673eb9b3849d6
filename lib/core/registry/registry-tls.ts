import { Agent, request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { ConfigProblem } from '../errors.js';
import { loadPem } from '../security/pem.js';

/**
 * TLS settings of the registry client, for an `https` registry URL. Each PEM value is PEM text
 * (a string starting with `-----BEGIN `, or a Buffer) or the path of a PEM file.
 */
export interface SchemaRegistryTlsOptions {
  /** CA certificate(s) to trust instead of Node's bundled roots (a private CA). */
  ca?: string | Buffer;
  /** Client certificate, for a registry that asks for one (mutual TLS); needs `key`. */
  cert?: string | Buffer;
  /** The client certificate's private key (unencrypted PEM); needs `cert`. */
  key?: string | Buffer;
  /** `false` accepts any server certificate (tests only). Default `true`. */
  rejectUnauthorized?: boolean;
}

/** {@link SchemaRegistryTlsOptions} with PEM values loaded. */
interface LoadedTls {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly rejectUnauthorized: boolean;
}

/**
 * Loads and checks the TLS options; every problem is collected into `problems` (fields prefixed
 * `tls.`), so one `KafkaConfigError` names them all. Returns undefined when there are problems.
 */
export function loadRegistryTls(tls: SchemaRegistryTlsOptions, url: URL | undefined, problems: ConfigProblem[]): LoadedTls | undefined {
  const before = problems.length;
  if (typeof tls !== 'object' || tls === null) {
    problems.push({ field: 'tls', problem: 'must be an object { ca, cert, key, rejectUnauthorized }' });
    return undefined;
  }
  if (url && url.protocol !== 'https:') problems.push({ field: 'tls', problem: `needs an https URL, got ${url.protocol}` });
  const ca = pemField(tls.ca, 'tls.ca', problems);
  const cert = pemField(tls.cert, 'tls.cert', problems);
  const key = pemField(tls.key, 'tls.key', problems);
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    problems.push({ field: tls.cert === undefined ? 'tls.cert' : 'tls.key', problem: 'is required with tls.cert and tls.key (a pair)' });
  }
  if (tls.rejectUnauthorized !== undefined && typeof tls.rejectUnauthorized !== 'boolean') {
    problems.push({ field: 'tls.rejectUnauthorized', problem: `must be a boolean, got ${typeof tls.rejectUnauthorized}` });
  }
  if (problems.length > before) return undefined;
  return { ca, cert, key, rejectUnauthorized: tls.rejectUnauthorized ?? true };
}

function pemField(value: string | Buffer | undefined, field: string, problems: ConfigProblem[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' && !Buffer.isBuffer(value)) {
    problems.push({ field, problem: 'must be PEM text, a Buffer or a file path' });
    return undefined;
  }
  const loaded = loadPem(Buffer.isBuffer(value) ? value.toString('utf8') : value);
  if (!loaded.ok) {
    problems.push({ field, problem: loaded.problem });
    return undefined;
  }
  return loaded.text;
}

/**
 * A `fetch` over `node:https` with the registry's TLS settings (Node's global `fetch` takes no TLS
 * options). It covers what the registry client uses: method, headers, a string body, an abort
 * signal, and the answer's status, headers and text. Connections are kept alive and reused.
 */
export function createTlsFetch(tls: LoadedTls): typeof fetch {
  const agent = new Agent({
    // Node unrefs idle kept-alive sockets, so they never hold the process open.
    keepAlive: true,
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
    rejectUnauthorized: tls.rejectUnauthorized,
  });
  const tlsFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const url = typeof input === 'string' || input instanceof URL ? input : input.url;
      const headers = new Headers(init.headers);
      const sent = request(
        url,
        { method: init.method ?? 'GET', headers: Object.fromEntries(headers), agent, signal: init.signal ?? undefined },
        (answer) => void readAnswer(answer).then(resolve, reject),
      );
      sent.on('error', reject);
      sent.end(typeof init.body === 'string' ? init.body : undefined);
    });
  return tlsFetch as typeof fetch;
}

async function readAnswer(answer: IncomingMessage): Promise<Response> {
  const chunks: Buffer[] = [];
  for await (const chunk of answer) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const status = answer.statusCode ?? 500;
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  // A Response refuses a body for 1xx/204/304 answers.
  const empty = body.length === 0 || status === 204 || status === 304;
  return new Response(empty ? null : body, { status, statusText: answer.statusMessage ?? '', headers });
}

/** Codes Node gives a server certificate it does not trust (OpenSSL verify results and the host check). */
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Alerts a server sends when it refuses the client's certificate (or the lack of one). */
const CLIENT_CERTIFICATE_ALERTS = /ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|HANDSHAKE_FAILURE)/;

/** A TLS failure found in an error's cause chain: Node's code and what it means for the user. */
export interface TlsFailure {
  readonly code: string;
  readonly problem: string;
}

/**
 * Whether `error` (or a cause of it, as global `fetch` wraps the socket's error) is a TLS failure,
 * and if so what to tell the user. Undefined for anything else (refused connection, DNS, ...).
 */
export function findTlsFailure(error: unknown): TlsFailure | undefined {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      return { code, problem: `the registry's certificate does not name this host (${cause.message}); use the host its certificate names` };
    }
    if (UNTRUSTED_CERTIFICATE_CODES.has(code)) {
      return {
        code,
        problem: `the registry's certificate is not trusted (${code}: ${cause.message}); set tls.ca to the CA that signed it`,
      };
    }
    if (CLIENT_CERTIFICATE_ALERTS.test(code)) {
      return {
        code,
        problem: `the registry refused the TLS handshake (${code}): it wants a client certificate it trusts; check tls.cert and tls.key`,
      };
    }
    if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO') {
      return { code, problem: `the registry did not answer in TLS (${code}: ${cause.message}); is the port an https one?` };
    }
    if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
      return { code, problem: `TLS failed (${code}: ${cause.message})` };
    }
  }
  return undefined;
}
