import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createSchemaRegistryClient,
  KafkaConfigError,
  MessageDecodeError,
  UnsupportedSchemaTypeError,
  SchemaRegistrationError,
  SchemaRegistryRequestError,
  SchemaRegistryUnavailableError,
} from '../../../lib/core/index.js';

interface SeenRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

/** A stand-in `fetch` that records each request and answers with `reply`. */
function stubFetch(reply: (request: SeenRequest) => Response | Promise<Response>): { fetch: typeof fetch; seen: SeenRequest[] } {
  const seen: SeenRequest[] = [];
  const fetchStub = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request: SeenRequest = {
      url: input instanceof Request ? input.url : input.toString(),
      method: init?.method ?? 'GET',
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === 'string' ? init.body : undefined,
    };
    seen.push(request);
    return reply(request);
  };
  return { fetch: fetchStub as typeof fetch, seen };
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const SCHEMA = '{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}';

test('register posts the schema to /subjects/{s}/versions with the registry content type and resolves the id', async () => {
  const stub = stubFetch(() => json(200, { id: 7 }));
  const client = createSchemaRegistryClient({ url: 'http://registry:8081/apis/ccompat/v7/', fetch: stub.fetch });
  assert.equal(await client.register('orders-value', SCHEMA), 7);
  const [request] = stub.seen;
  assert.equal(request?.url, 'http://registry:8081/apis/ccompat/v7/subjects/orders-value/versions');
  assert.equal(request?.method, 'POST');
  assert.equal(request?.headers['Content-Type'], 'application/vnd.schemaregistry.v1+json');
  assert.match(request?.headers.Accept ?? '', /application\/vnd\.schemaregistry\.v1\+json/);
  assert.deepEqual(JSON.parse(request?.body ?? ''), { schema: SCHEMA });
});

test('schema by id and latest version read the documented paths; subjects are URL-encoded', async () => {
  const stub = stubFetch((request) =>
    request.url.endsWith('/schemas/ids/3')
      ? json(200, { schema: SCHEMA })
      : json(200, { subject: 'a/b', id: 3, version: 2, schema: SCHEMA }),
  );
  const client = createSchemaRegistryClient({ url: 'http://registry', fetch: stub.fetch });
  assert.equal(await client.schemaById(3), SCHEMA);
  assert.deepEqual(await client.latestVersion('a/b'), { subject: 'a/b', id: 3, version: 2, schema: SCHEMA });
  assert.deepEqual(
    stub.seen.map((r) => r.url),
    ['http://registry/schemas/ids/3', 'http://registry/subjects/a%2Fb/versions/latest'],
  );
});

test('basic and bearer credentials go in the Authorization header', async () => {
  const basic = stubFetch(() => json(200, { schema: SCHEMA }));
  await createSchemaRegistryClient({ url: 'http://r', auth: { username: 'key', password: 's3cret' }, fetch: basic.fetch }).schemaById(1);
  assert.equal(basic.seen[0]?.headers.Authorization, `Basic ${Buffer.from('key:s3cret').toString('base64')}`);
  const bearer = stubFetch(() => json(200, { schema: SCHEMA }));
  await createSchemaRegistryClient({ url: 'http://r', auth: { token: 'tok' }, fetch: bearer.fetch }).schemaById(1);
  assert.equal(bearer.seen[0]?.headers.Authorization, 'Bearer tok');
});

test('an id is fetched once: concurrent lookups share one request, later ones hit the cache', async () => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const stub = stubFetch(async () => {
    await gate;
    return json(200, { schema: SCHEMA });
  });
  const client = createSchemaRegistryClient({ url: 'http://r', fetch: stub.fetch });
  const lookups = Array.from({ length: 5 }, () => client.schemaById(4));
  release();
  assert.deepEqual(await Promise.all(lookups), Array(5).fill(SCHEMA));
  assert.equal(await client.schemaById(4), SCHEMA);
  assert.equal(stub.seen.length, 1);
});

test('registrations are cached; a latest version is asked each time (concurrent calls share one) and warms its id', async () => {
  const stub = stubFetch((request) =>
    request.method === 'POST' ? json(200, { id: 1 }) : json(200, { id: 2, version: 1, schema: SCHEMA }),
  );
  const client = createSchemaRegistryClient({ url: 'http://r', fetch: stub.fetch });
  await client.register('s', SCHEMA);
  await client.register('s', SCHEMA);
  await Promise.all([client.latestVersion('t'), client.latestVersion('t')]);
  assert.equal(stub.seen.length, 2, 'one registration, one shared latest-version request');
  await client.latestVersion('t');
  assert.equal(stub.seen.length, 3, 'a later call asks again: a new version must be seen (serializers keep it for their TTL)');
  assert.equal(await client.schemaById(2), SCHEMA);
  assert.equal(stub.seen.length, 3, 'the latest version warmed its id');
});

test('a failed lookup is not cached: the next one asks again', async () => {
  let calls = 0;
  const stub = stubFetch(() => (++calls === 1 ? json(503, { message: 'starting' }) : json(200, { schema: SCHEMA })));
  const client = createSchemaRegistryClient({ url: 'http://r', fetch: stub.fetch });
  await assert.rejects(client.schemaById(9), SchemaRegistryUnavailableError);
  assert.equal(await client.schemaById(9), SCHEMA);
  assert.equal(stub.seen.length, 2);
});

test('a refused registration names the subject, the status and the registry message', async () => {
  for (const [status, pattern] of [
    [409, /schema incompatible with the versions of subject orders-value \(HTTP 409\): Schema being registered is incompatible/],
    [422, /schema refused of subject orders-value \(HTTP 422\): Schema being registered is incompatible/],
  ] as const) {
    const stub = stubFetch(() =>
      json(status, { error_code: status, message: 'Schema being registered is incompatible with an earlier schema' }),
    );
    const client = createSchemaRegistryClient({ url: 'http://r', fetch: stub.fetch });
    await assert.rejects(client.register('orders-value', SCHEMA), (error: unknown) => {
      assert.ok(error instanceof SchemaRegistrationError);
      assert.equal(error.subject, 'orders-value');
      assert.equal(error.status, status);
      assert.match(error.registryMessage, /incompatible with an earlier schema/);
      assert.match(error.message, pattern);
      return true;
    });
  }
});

test('a registry that is down, overloaded or too slow is a retryable SchemaRegistryUnavailableError', async () => {
  const refused = stubFetch(() => Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') })));
  await assert.rejects(createSchemaRegistryClient({ url: 'http://r', fetch: refused.fetch }).schemaById(1), (error: unknown) => {
    return error instanceof SchemaRegistryUnavailableError && error.retryable && /fetch failed/.test(error.message);
  });
  for (const status of [500, 503, 408, 429]) {
    const stub = stubFetch(() => json(status, { message: 'busy' }));
    await assert.rejects(
      createSchemaRegistryClient({ url: 'http://r', fetch: stub.fetch }).latestVersion('s'),
      SchemaRegistryUnavailableError,
    );
  }
  // A fetch that only ends when its signal aborts: the request time-out must abort it. (Its
  // keep-alive timer stands for the socket a real fetch holds: AbortSignal.timeout's is unref'd.)
  const neverAnswers = ((_input: string | URL | Request, init?: RequestInit) =>
    new Promise<Response>((_, reject) => {
      const keepAlive = setTimeout(() => reject(new Error('the time-out never aborted the request')), 60_000);
      init?.signal?.addEventListener('abort', () => {
        clearTimeout(keepAlive);
        reject(init.signal?.reason as Error);
      });
    })) as typeof fetch;
  await assert.rejects(
    createSchemaRegistryClient({ url: 'http://r', requestTimeoutMs: 20, fetch: neverAnswers }).schemaById(1),
    (error: unknown) => {
      return error instanceof SchemaRegistryUnavailableError && /no answer within 20 ms/.test(error.message);
    },
  );
});

test('an unknown id or an unreadable answer is a non-retryable request error', async () => {
  const notFound = stubFetch(() => json(404, { error_code: 40403, message: 'Schema 5 not found' }));
  await assert.rejects(createSchemaRegistryClient({ url: 'http://r', fetch: notFound.fetch }).schemaById(5), (error: unknown) => {
    return (
      error instanceof SchemaRegistryRequestError && error.status === 404 && !error.retryable && /Schema 5 not found/.test(error.message)
    );
  });
  const garbage = stubFetch(() => new Response('<html>', { status: 200 }));
  await assert.rejects(createSchemaRegistryClient({ url: 'http://r', fetch: garbage.fetch }).schemaById(5), /not JSON/);
  const noId = stubFetch(() => json(200, {}));
  await assert.rejects(createSchemaRegistryClient({ url: 'http://r', fetch: noId.fetch }).register('s', SCHEMA), /no integer "id"/);
});

test('a bad URL or time-out is a config error naming every field', () => {
  assert.throws(
    () => createSchemaRegistryClient({ url: 'registry:8081', requestTimeoutMs: 0 }),
    (error: unknown) => error instanceof KafkaConfigError && error.problems.map((p) => p.field).join() === 'url,requestTimeoutMs',
  );
  assert.throws(() => createSchemaRegistryClient({ url: 'not a url' }), /url is not a URL/);
});

test('an id or latest version naming a JSON or Protobuf schema is an UnsupportedSchemaTypeError (a decode error, not retried)', async () => {
  const protobuf = stubFetch(() => json(200, { schema: 'syntax = "proto3";', schemaType: 'PROTOBUF' }));
  await assert.rejects(createSchemaRegistryClient({ url: 'http://r', fetch: protobuf.fetch }).schemaById(5), (error: unknown) => {
    assert.ok(error instanceof UnsupportedSchemaTypeError);
    assert.ok(error instanceof MessageDecodeError, 'the failure policy skips retries for decode errors');
    assert.equal(error.schemaType, 'PROTOBUF');
    assert.match(error.message, /schema id 5 is a PROTOBUF schema; only AVRO/);
    return true;
  });
  const jsonSchema = stubFetch(() => json(200, { subject: 's', id: 2, version: 1, schema: '{"type":"object"}', schemaType: 'JSON' }));
  await assert.rejects(
    createSchemaRegistryClient({ url: 'http://r', fetch: jsonSchema.fetch }).latestVersion('s'),
    (error: unknown) => error instanceof UnsupportedSchemaTypeError && error.schemaType === 'JSON' && /subject s/.test(error.message),
  );
  const avro = stubFetch(() => json(200, { schema: SCHEMA, schemaType: 'AVRO' }));
  assert.equal(await createSchemaRegistryClient({ url: 'http://r', fetch: avro.fetch }).schemaById(5), SCHEMA);
});

test('tls options are checked: an https URL, PEM text or readable files, cert and key as a pair, not with fetch', () => {
  const fields = (options: Parameters<typeof createSchemaRegistryClient>[0]): string[] => {
    try {
      createSchemaRegistryClient(options);
    } catch (error) {
      assert.ok(error instanceof KafkaConfigError);
      return error.problems.map((p) => `${p.field}: ${p.problem}`);
    }
    return [];
  };
  assert.deepEqual(fields({ url: 'http://r', tls: { ca: '-----BEGIN CERTIFICATE-----' } }), [
    'tls: needs an https URL, got http:',
    'tls.ca: is inline PEM text without a complete -----BEGIN/-----END block',
  ]);
  assert.deepEqual(fields({ url: 'https://r', tls: { cert: '/no/such/cert.pem' } }), [
    'tls.cert: cannot be read from file "/no/such/cert.pem": no such file',
    'tls.key: is required with tls.cert and tls.key (a pair)',
  ]);
  assert.deepEqual(fields({ url: 'https://r', tls: { rejectUnauthorized: false }, fetch: globalThis.fetch }), [
    'tls: cannot be combined with fetch (give that fetch its own TLS settings)',
  ]);
  assert.deepEqual(fields({ url: 'https://r', tls: { rejectUnauthorized: false } }), []);
});
