import { CLIENT_CERT_EXTENSIONS, signed, type CertificateFiles } from '../../../scripts/kafka/certs.js';

/**
 * Issues a client certificate whose subject is exactly `CN=<cn>` (the shape `getPrincipal()`
 * produces) signed by `ca`, into `dir` (the harness's certificate folder, removed on close).
 */
export function issueClientCert(ca: CertificateFiles, dir: string, cn: string): Promise<CertificateFiles> {
  return signed(dir, `issued-${cn.replace(/[^A-Za-z0-9.-]/g, '_')}`, `/CN=${cn}`, ca, CLIENT_CERT_EXTENSIONS, 'ec');
}

/** Base64 body lines of PEM texts: material that must never show up in a log. */
export function pemBody(...pems: string[]): string[] {
  return pems.flatMap((pem) => pem.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----')));
}
