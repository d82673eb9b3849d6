import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { PortTakenError } from '../../../scripts/kafka/errors.js';
import { registryProblem } from '../../../scripts/registry/readiness.js';
import { startSchemaRegistry } from '../../../scripts/registry/schema-registry.js';
import { startTestRegistry } from '../../support/registry.js';

/** A local HTTP server answering every request with `status` (stands in for a registry's readiness answer). */
async function answering(status: number): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(request.url === '/apis/ccompat/v7/subjects' ? '[]' : '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('schema registry harness: start-up checks (no JVM)', () => {
  const servers: Server[] = [];
  after(() => {
    for (const server of servers) server.close();
  });

  let ready: string;
  let starting: string;
  before(async () => {
    const ok = await answering(200);
    const unavailable = await answering(503);
    servers.push(ok.server, unavailable.server);
    ready = ok.url;
    starting = unavailable.url;
  });

  it('is ready only when GET /apis/ccompat/v7/subjects answers 200', async () => {
    assert.equal(await registryProblem(ready), undefined);
    assert.match((await registryProblem(starting)) ?? '', /answered 503/);
  });

  it('reports a closed port as a problem, not a throw', async () => {
    const { server, url } = await answering(200);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    assert.match((await registryProblem(url)) ?? '', /failed/);
  });

  it('refuses a taken port with PortTakenError before downloading or starting anything', async () => {
    const port = Number(new URL(ready).port);
    await assert.rejects(
      startSchemaRegistry({ port }),
      (err: unknown) => err instanceof PortTakenError && err.message.includes(String(port)),
    );
  });

  it('uses SCHEMA_REGISTRY_URL as given (trailing slashes dropped) and starts nothing', async () => {
    const registry = await startTestRegistry({ SCHEMA_REGISTRY_URL: 'http://registry.example:8081/' });
    assert.equal(registry.url, 'http://registry.example:8081');
    assert.equal(registry.ccompatUrl, 'http://registry.example:8081/apis/ccompat/v7');
    assert.equal(registry.started, undefined);
    await registry.close();
  });
});
