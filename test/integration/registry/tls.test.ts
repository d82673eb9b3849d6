import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  AvroRegistryDeserializer,
  AvroRegistrySerializer,
  createSchemaRegistryClient,
  SchemaRegistryTlsError,
  SchemaRegistryUnavailableError,
} from '../../../lib/core/index.js';
import { uniqueName } from '../../support/env.js';
import { useTlsRegistry, type TlsTestRegistry } from '../../support/tls-registry.js';

const PAYMENT = { type: 'record', name: 'Payment', namespace: 'it.tls', fields: [{ name: 'id', type: 'string' }] } as const;

describe('registry client over TLS (Apicurio serving HTTPS; mutual TLS through a TLS front before it)', () => {
  const started = useTlsRegistry();
  let tls: TlsTestRegistry;
  beforeEach(() => {
    tls = started();
  });

  it("registers, writes and reads over Apicurio's HTTPS with the CA as PEM text, a Buffer or a file", async () => {
    const client = createSchemaRegistryClient({ url: tls.httpsCcompatUrl, tls: { ca: tls.ca.certPem } });
    const topic = uniqueName('tls');
    const bytes = await new AvroRegistrySerializer({ registry: client, autoRegister: true }).serialize(topic, PAYMENT, { id: 'p-1' });
    for (const ca of [Buffer.from(tls.ca.certPem), tls.ca.certPath]) {
      const reader = createSchemaRegistryClient({ url: tls.httpsCcompatUrl, tls: { ca } });
      assert.deepEqual({ ...(await new AvroRegistryDeserializer(reader).deserialize<object>(bytes)) }, { id: 'p-1' });
      assert.equal((await reader.latestVersion(`${topic}-value`)).version, 1);
    }
  });

  it('mutual TLS: a client certificate and key (files) the server trusts are presented and accepted', async () => {
    const client = createSchemaRegistryClient({
      url: tls.mtlsCcompatUrl,
      tls: { ca: tls.ca.certPath, cert: tls.client.certPath, key: tls.client.keyPath },
    });
    const subject = `${uniqueName('mtls')}-value`;
    const id = await client.register(subject, JSON.stringify(PAYMENT));
    assert.equal((await client.latestVersion(subject)).id, id);
  });

  it('a CA that did not sign the registry certificate is a SchemaRegistryTlsError that says to set tls.ca', async () => {
    const client = createSchemaRegistryClient({ url: tls.httpsCcompatUrl, tls: { ca: tls.otherCa.certPem } });
    await assert.rejects(client.latestVersion('anything-value'), (error: unknown) => {
      assert.ok(error instanceof SchemaRegistryTlsError, String(error));
      assert.ok(error instanceof SchemaRegistryUnavailableError, 'a TLS failure is retried like an unavailable registry');
      assert.equal(error.retryable, true);
      assert.match(error.tlsCode, /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
      assert.match(error.message, /certificate is not trusted.*tls\.ca/);
      return true;
    });
  });

  it('mutual TLS without a client certificate: the handshake is refused, a SchemaRegistryTlsError naming tls.cert', async () => {
    const client = createSchemaRegistryClient({ url: tls.mtlsCcompatUrl, tls: { ca: tls.ca.certPem } });
    await assert.rejects(client.latestVersion('anything-value'), (error: unknown) => {
      assert.ok(error instanceof SchemaRegistryTlsError, String(error));
      assert.match(error.tlsCode, /ALERT_CERTIFICATE_REQUIRED/);
      assert.match(error.message, /client certificate.*tls\.cert/);
      return true;
    });
  });

  it('mutual TLS with a client certificate from another CA: refused, retryable', async () => {
    // Node's TLS front checks the certificate after the handshake and closes without an alert, so
    // the client sees only a hang-up (a Java server sends an alert, which reads as above).
    const client = createSchemaRegistryClient({
      url: tls.mtlsCcompatUrl,
      tls: { ca: tls.ca.certPem, cert: tls.untrustedClient.certPem, key: tls.untrustedClient.keyPem },
    });
    await assert.rejects(client.latestVersion('anything-value'), (error: unknown) => {
      assert.ok(error instanceof SchemaRegistryUnavailableError, String(error));
      assert.equal(error.retryable, true);
      return true;
    });
  });

  it('rejectUnauthorized: false accepts the server certificate without its CA', async () => {
    const client = createSchemaRegistryClient({
      url: tls.httpsCcompatUrl,
      tls: { rejectUnauthorized: false },
    });
    const id = await client.register(`${uniqueName('tls-insecure')}-value`, JSON.stringify(PAYMENT));
    assert.ok(Number.isInteger(id));
  });

  it('an https URL on the plain HTTP port is a SchemaRegistryTlsError that says the port is not TLS', async () => {
    const client = createSchemaRegistryClient({ url: tls.ccompatUrl.replace('http://', 'https://'), tls: { ca: tls.ca.certPem } });
    await assert.rejects(client.schemaById(1), (error: unknown) => {
      assert.ok(error instanceof SchemaRegistryTlsError, String(error));
      assert.match(error.message, /did not answer in TLS/);
      return true;
    });
  });
});
