import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { harnessHome } from '../../../scripts/kafka/paths.js';
import { APICURIO_VERSION, apicurioArtifact, CCOMPAT_PATH, runnerJarName } from '../../../scripts/registry/apicurio.js';
import { REGISTRY_JVM_OPTIONS, registryJavaArgs, registryUrl } from '../../../scripts/registry/command-line.js';
import { unpackArgs } from '../../../scripts/registry/fetch.js';
import { registryAppDir, registryStateFile, registryVersionDir, runnerJarPath } from '../../../scripts/registry/paths.js';

describe('schema registry harness: pure parts', () => {
  it('pins Apicurio 2.6.13.Final (the last line on Java 17) and its Maven coordinates', () => {
    assert.equal(APICURIO_VERSION, '2.6.13.Final');
    assert.equal(apicurioArtifact(), 'io.apicurio:apicurio-registry-app:2.6.13.Final:tar.gz:all');
    assert.equal(runnerJarName(), 'apicurio-registry-app-2.6.13.Final-runner.jar');
    assert.equal(CCOMPAT_PATH, '/apis/ccompat/v7');
  });

  it('keeps each release under the harness home, beside Kafka, with the run state in run/', () => {
    assert.equal(registryVersionDir(), join(harnessHome, 'registry', '2.6.13.Final'));
    assert.equal(registryAppDir('2.6.9.Final'), join(harnessHome, 'registry', '2.6.9.Final', 'app'));
    assert.equal(
      runnerJarPath('2.6.9.Final'),
      join(harnessHome, 'registry', '2.6.9.Final', 'app', 'apicurio-registry-app-2.6.9.Final-runner.jar'),
    );
    assert.equal(registryStateFile, join(harnessHome, 'run', 'registry.json'));
  });

  it('unpacks with a pinned dependency plugin, in batch mode, into the given folder', () => {
    assert.deepEqual(unpackArgs('/tmp/x'), [
      '-B',
      '-ntp',
      'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:unpack',
      '-Dartifact=io.apicurio:apicurio-registry-app:2.6.13.Final:tar.gz:all',
      '-DoutputDirectory=/tmp/x',
      '-Dmdep.overWriteReleases=true',
    ]);
  });

  it('runs the jar on the given port, bound to loopback, after the JVM options', () => {
    const args = registryJavaArgs({ runnerJar: '/r/app.jar', port: 18081 });
    assert.deepEqual(args, [...REGISTRY_JVM_OPTIONS, '-Dquarkus.http.port=18081', '-Dquarkus.http.host=127.0.0.1', '-jar', '/r/app.jar']);
    assert.ok(
      REGISTRY_JVM_OPTIONS.some((o) => o.startsWith('-Xmx')),
      'the heap is bounded',
    );
    assert.deepEqual(registryJavaArgs({ runnerJar: 'a.jar', port: 1, jvmOptions: ['-Xmx1g'] }).slice(0, 2), [
      '-Xmx1g',
      '-Dquarkus.http.port=1',
    ]);
    assert.equal(registryUrl(18081), 'http://127.0.0.1:18081');
  });

  it('adds an HTTPS listener from PEM files before -jar when asked, and names https URLs', () => {
    const args = registryJavaArgs({
      runnerJar: 'a.jar',
      port: 1,
      jvmOptions: [],
      https: { port: 2, certFile: '/c.pem', keyFile: '/k.pem' },
    });
    assert.deepEqual(args, [
      '-Dquarkus.http.port=1',
      '-Dquarkus.http.host=127.0.0.1',
      '-Dquarkus.http.ssl-port=2',
      '-Dquarkus.http.ssl.certificate.files=/c.pem',
      '-Dquarkus.http.ssl.certificate.key-files=/k.pem',
      '-jar',
      'a.jar',
    ]);
    assert.equal(registryUrl(8443, 'https'), 'https://127.0.0.1:8443');
  });

  it('rejects a port outside 1..65535 with a RangeError naming it', () => {
    for (const port of [0, 65_536, 1.5, Number.NaN]) {
      assert.throws(
        () => registryJavaArgs({ runnerJar: 'a.jar', port }),
        (err: unknown) => err instanceof RangeError && err.message.includes(String(port)),
      );
    }
  });
});
