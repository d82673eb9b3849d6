import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CertificateFiles } from '../../support/tls-broker.js';

/** A client certificate issued by a test, with the paths and PEM text of its files. */
export interface IssuedCert {
  readonly certPath: string;
  readonly keyPath: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * Issues a client certificate whose subject is exactly `CN=<cn>` (the shape `getPrincipal()`
 * produces) signed by `ca`, into `dir` (the harness's certificate folder, removed on close).
 */
export function issueClientCert(ca: CertificateFiles, dir: string, cn: string): IssuedCert {
  const name = `issued-${cn.replace(/[^A-Za-z0-9.-]/g, '_')}`;
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  ssl('req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
  writeFileSync(join(dir, `${name}.ext`), 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
  ssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    ca.certPath,
    '-CAkey',
    ca.keyPath,
    '-CAcreateserial',
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  );
  const certPath = join(dir, `${name}.pem`);
  const keyPath = join(dir, `${name}.key`);
  return { certPath, keyPath, certPem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(keyPath, 'utf8') };
}

/** Base64 body lines of PEM texts: material that must never show up in a log. */
export function pemBody(...pems: string[]): string[] {
  return pems.flatMap((pem) => pem.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----')));
}
