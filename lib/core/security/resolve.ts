import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { optionNames, type ConfigChecker } from '../config/validate.js';
import { SASL_MECHANISMS, type SaslConfig, type SecurityConfig } from './config.js';
import { describePemSource, loadPem, pemBlocks } from './pem.js';

/** A {@link SecurityConfig} after validation, with every PEM field loaded. */
export interface ResolvedSecurity {
  /** Whether to connect with TLS. */
  readonly tls: boolean;
  /** Whether to verify the broker certificate. */
  readonly rejectUnauthorized: boolean;
  /** CA certificates (PEM blocks) replacing the system roots, when given. */
  readonly ca?: readonly string[];
  /** Client certificate chain (PEM), when mutual TLS is configured. */
  readonly cert?: string;
  /** Client private key (PEM), when mutual TLS is configured. */
  readonly key?: string;
  /** SASL settings, when given. */
  readonly sasl?: SaslConfig;
}

const PRIVATE_KEY_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'DSA PRIVATE KEY']);
const PEM_FIELDS = ['caCerts', 'clientCert', 'clientKey'] as const;
/** The option names of {@link SecurityConfig}. */
export const SECURITY_OPTION_NAMES = optionNames<SecurityConfig>({
  tls: true,
  caCerts: true,
  clientCert: true,
  clientKey: true,
  insecureSkipVerify: true,
  sasl: true,
});
/** The option names of {@link SaslConfig}. */
export const SASL_OPTION_NAMES = optionNames<SaslConfig>({ mechanism: true, username: true, password: true });

/**
 * Validates `security` into `checker` (every problem under `<field>.<name>`) and loads its PEM
 * material. Returns the resolved settings, or `undefined` when there is a problem or no security.
 * Messages name the field and the file path, never PEM content or the password.
 *
 * @param field - prefix of the field names in problems, e.g. `security`
 */
export function resolveSecurity(checker: ConfigChecker, security: unknown, field = 'security'): ResolvedSecurity | undefined {
  if (security === undefined) return undefined;
  if (!checker.require(isObject(security), field, 'must be an object')) return undefined;
  const config = security as Partial<Record<keyof SecurityConfig, unknown>>;
  const problemsBefore = checker.recorded.length;
  checker.knownKeys(security, SECURITY_OPTION_NAMES, `${field}.`);
  let ok = checker.recorded.length === problemsBefore;
  const problem = (name: string, text: string) => {
    checker.require(false, `${field}.${name}`, text);
    ok = false;
  };

  for (const name of ['tls', 'insecureSkipVerify'] as const) {
    if (config[name] !== undefined && typeof config[name] !== 'boolean') problem(name, 'must be a boolean');
  }
  const pems: Partial<Record<(typeof PEM_FIELDS)[number], string>> = {};
  for (const name of PEM_FIELDS) {
    const value = config[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') problem(name, 'must be PEM text or a file path (string)');
    else if (value.trim() !== '') pems[name] = value; // empty means "not set", as in dp-kafka
  }

  const tls = config.tls !== false;
  if (!tls) {
    const tlsOnly: string[] = PEM_FIELDS.filter((n) => pems[n] !== undefined);
    if (config.insecureSkipVerify === true) tlsOnly.push('insecureSkipVerify');
    if (tlsOnly.length > 0) problem('tls', `is false but TLS settings are given (${tlsOnly.join(', ')})`);
  }
  if ((pems.clientCert === undefined) !== (pems.clientKey === undefined)) {
    const [missing, given] = pems.clientCert === undefined ? ['clientCert', 'clientKey'] : ['clientKey', 'clientCert'];
    problem(missing, `is required when ${given} is given (mutual TLS needs both)`);
  }

  const ca = pems.caCerts === undefined ? undefined : loadCertificates(pems.caCerts, `${field}.caCerts`, checker, 'CA');
  const certs = pems.clientCert === undefined ? undefined : loadCertificates(pems.clientCert, `${field}.clientCert`, checker, 'client');
  const key = pems.clientKey === undefined ? undefined : loadPrivateKey(pems.clientKey, `${field}.clientKey`, checker);
  if (pems.caCerts !== undefined && ca === undefined) ok = false;
  if (pems.clientCert !== undefined && certs === undefined) ok = false;
  if (pems.clientKey !== undefined && key === undefined) ok = false;
  if (certs && key && !keyMatches(certs.leaf, key.object)) {
    problem('clientKey', `does not match the certificate in ${field}.clientCert`);
  }

  const sasl = checkSasl(checker, config.sasl, `${field}.sasl`);
  if (config.sasl !== undefined && sasl === undefined) ok = false;
  if (!ok) return undefined;

  return {
    tls,
    rejectUnauthorized: config.insecureSkipVerify !== true,
    ...(ca ? { ca: ca.blocks } : {}),
    ...(certs ? { cert: certs.blocks.join('\n') } : {}),
    ...(key ? { key: key.pem } : {}),
    ...(sasl ? { sasl } : {}),
  };
}

/**
 * Validates the `security` part of a producer, consumer group or admin config into `checker`,
 * so that it is reported in the same {@link KafkaConfigError} as the other fields. Reads the
 * PEM files once to prove they load; an absent `security` is plaintext and valid.
 */
export function checkSecurityConfig(checker: ConfigChecker, security: SecurityConfig | undefined, field = 'security'): void {
  resolveSecurity(checker, security, field);
}

function loadCertificates(
  value: string,
  field: string,
  checker: ConfigChecker,
  role: 'CA' | 'client',
): { blocks: string[]; leaf: X509Certificate } | undefined {
  const loaded = loadPem(value);
  if (!loaded.ok) {
    checker.require(false, field, loaded.problem);
    return undefined;
  }
  const blocks = pemBlocks(loaded.text).filter((b) => b.label === 'CERTIFICATE');
  const source = describePemSource(value);
  if (!checker.require(blocks.length > 0, field, `${source} holds no CERTIFICATE block${otherLabels(loaded.text)}`)) {
    return undefined;
  }
  const parsed: X509Certificate[] = [];
  for (const [i, block] of blocks.entries()) {
    try {
      parsed.push(new X509Certificate(block.text));
    } catch {
      checker.require(false, field, `${source}: ${role} certificate #${i + 1} cannot be parsed`);
      return undefined;
    }
  }
  return { blocks: blocks.map((b) => b.text), leaf: parsed[0] as X509Certificate };
}

function loadPrivateKey(value: string, field: string, checker: ConfigChecker): { pem: string; object: KeyObject } | undefined {
  const loaded = loadPem(value);
  if (!loaded.ok) {
    checker.require(false, field, loaded.problem);
    return undefined;
  }
  const all = pemBlocks(loaded.text);
  const source = describePemSource(value);
  if (all.some((b) => b.label === 'ENCRYPTED PRIVATE KEY') && !all.some((b) => PRIVATE_KEY_LABELS.has(b.label))) {
    checker.require(false, field, `${source} holds an encrypted private key; give an unencrypted one`);
    return undefined;
  }
  const block = all.find((b) => PRIVATE_KEY_LABELS.has(b.label));
  if (block === undefined) {
    checker.require(false, field, `${source} holds no PRIVATE KEY block${otherLabels(loaded.text)}`);
    return undefined;
  }
  try {
    return { pem: block.text, object: createPrivateKey(block.text) };
  } catch {
    // The crypto error text is not repeated: it is of no use and we promise never to echo keys.
    checker.require(false, field, `${source}: the private key cannot be parsed`);
    return undefined;
  }
}

function checkSasl(checker: ConfigChecker, sasl: unknown, field: string): SaslConfig | undefined {
  if (sasl === undefined) return undefined;
  if (!checker.require(isObject(sasl), field, 'must be an object with mechanism, username and password')) return undefined;
  const problemsBefore = checker.recorded.length;
  checker.knownKeys(sasl, SASL_OPTION_NAMES, `${field}.`);
  const okKeys = checker.recorded.length === problemsBefore;
  const { mechanism, username, password } = sasl as Partial<Record<keyof SaslConfig, unknown>>;
  const okMechanism = checker.require(
    typeof mechanism === 'string' && (SASL_MECHANISMS as readonly string[]).includes(mechanism),
    `${field}.mechanism`,
    `must be one of ${SASL_MECHANISMS.join(', ')}`,
  );
  const okUser = checker.require(
    typeof username === 'string' && username.trim() !== '',
    `${field}.username`,
    'is required (non-empty string)',
  );
  const okPassword = checker.require(
    typeof password === 'string' && password !== '',
    `${field}.password`,
    'is required (non-empty string)',
  );
  if (!okKeys || !okMechanism || !okUser || !okPassword) return undefined;
  return { mechanism: mechanism as SaslConfig['mechanism'], username: username as string, password: password as string };
}

/** Whether `key` is the private key of `certificate`; key types that cannot match count as no. */
function keyMatches(certificate: X509Certificate, key: KeyObject): boolean {
  try {
    return certificate.checkPrivateKey(key);
  } catch {
    return false;
  }
}

function otherLabels(text: string): string {
  const labels = [...new Set(pemBlocks(text).map((b) => b.label))];
  return labels.length > 0 ? ` (found ${labels.join(', ')})` : '';
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
