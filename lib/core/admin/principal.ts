import { ConfigChecker } from '../config/validate.js';

/** Characters that would break the distinguished name a principal stands for. */
const DN_UNSAFE = /[\s,=+;"<>\\#]/;

/**
 * The Kafka principal of a service's client certificate: `User:CN=<app>.<subnet>.<domain>`
 * (dp-kafka's `GetPrincipal`). Example: `getPrincipal('dp-import-api', 'publishing',
 * 'example.internal')` is `User:CN=dp-import-api.publishing.example.internal`.
 *
 * @throws KafkaConfigError when a part is empty or holds a character that would break the DN
 */
export function getPrincipal(app: string, subnet: string, domain: string): string {
  const checker = new ConfigChecker();
  checkPrincipalPart(checker, app, 'app');
  checkPrincipalPart(checker, subnet, 'subnet');
  checkPrincipalPart(checker, domain, 'domain');
  checker.throwIfAny('principal');
  return `User:CN=${app}.${subnet}.${domain}`;
}

/** Validates one part of a principal (app, subnet or domain) into `checker` under `field`. */
export function checkPrincipalPart(checker: ConfigChecker, value: unknown, field: string): void {
  if (!checker.require(typeof value === 'string' && value.trim() !== '', field, 'is required (non-empty string)')) return;
  checker.require(!DN_UNSAFE.test(value as string), field, 'must not contain spaces or any of , = + ; " < > \\ #');
}
