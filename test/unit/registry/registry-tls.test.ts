import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findTlsFailure } from '../../../lib/core/registry/registry-tls.js';

const coded = (code: string, message = code): Error => Object.assign(new Error(message), { code });

test('a TLS failure is found on the error itself (node:https) or in the cause chain (global fetch wraps it)', () => {
  const direct = findTlsFailure(coded('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'));
  assert.equal(direct?.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  assert.match(direct?.problem ?? '', /not trusted.*set tls\.ca/);
  const wrapped = new TypeError('fetch failed', { cause: coded('SELF_SIGNED_CERT_IN_CHAIN') });
  assert.equal(findTlsFailure(wrapped)?.code, 'SELF_SIGNED_CERT_IN_CHAIN');
});

test('each kind of TLS failure says what to check; other network errors are not TLS failures', () => {
  assert.match(findTlsFailure(coded('ERR_TLS_CERT_ALTNAME_INVALID'))?.problem ?? '', /does not name this host/);
  assert.match(
    findTlsFailure(coded('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'))?.problem ?? '',
    /client certificate.*tls\.cert and tls\.key/,
  );
  assert.match(findTlsFailure(coded('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE'))?.problem ?? '', /client certificate/);
  assert.match(findTlsFailure(coded('ERR_SSL_WRONG_VERSION_NUMBER'))?.problem ?? '', /did not answer in TLS/);
  assert.match(findTlsFailure(coded('ERR_SSL_SOMETHING_NEW'))?.problem ?? '', /TLS failed \(ERR_SSL_SOMETHING_NEW/);
  for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET']) assert.equal(findTlsFailure(coded(code)), undefined, code);
  assert.equal(findTlsFailure('not an error'), undefined);
});
