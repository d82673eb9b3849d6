/**
 * The apps of the compatibility matrix (see `test/integration/matrix/`), and their one-time
 * dependency install, which `npm test` runs before the test files (outside their time limit).
 */
import { installDependencies, packageDependencies, type MatrixApp } from '../matrix.js';
import { nestAppSpec } from './nest-app-spec.js';
import { NEST11_MICROSERVICES_APP } from './nest11-microservices-app.js';

// A Nest 11 app as `nest new` 11 generated it: CommonJS TypeScript (`module: commonjs`, so
// `moduleResolution: node`, which reads `typesVersions`, not `exports`), Jest + ts-jest.
// Its spec imports the root, `./testing` and `./health` entries; Jest loads the `require` build.
export const NEST11_APP: MatrixApp = {
  name: 'nest11-jest-cjs',
  manifest: {
    scripts: { test: 'jest' },
    jest: {
      moduleFileExtensions: ['js', 'json', 'ts'],
      rootDir: 'src',
      testRegex: '.*\\.spec\\.ts$',
      transform: { '^.+\\.(t|j)s$': 'ts-jest' },
      collectCoverageFrom: ['**/*.(t|j)s'],
      coverageDirectory: '../coverage',
      testEnvironment: 'node',
      testTimeout: 120_000,
    },
  },
  dependencies: {
    '@nestjs/common': '11.2.10',
    '@nestjs/core': '11.2.10',
    '@nestjs/platform-express': '11.2.10',
    '@nestjs/terminus': '11.1.1',
    'reflect-metadata': '0.2.2',
    rxjs: '7.8.2',
    ...packageDependencies(),
  },
  devDependencies: {
    '@nestjs/testing': '11.2.6',
    '@types/jest': '29.5.14',
    '@types/node': '20.19.43',
    jest: '29.7.0',
    'ts-jest': '29.4.15',
    typescript: '5.9.3',
  },
  files: {
    'tsconfig.json': JSON.stringify(
      {
        compilerOptions: {
          module: 'commonjs',
          declaration: true,
          removeComments: true,
          emitDecoratorMetadata: true,
          experimentalDecorators: true,
          allowSyntheticDefaultImports: true,
          target: 'ES2021',
          sourceMap: true,
          outDir: './dist',
          baseUrl: './',
          incremental: true,
          skipLibCheck: true,
          strictNullChecks: false,
          noImplicitAny: false,
          strictBindCallApply: false,
          forceConsistentCasingInFileNames: false,
          noFallthroughCasesInSwitch: false,
        },
      },
      null,
      2,
    ),
    'src/kafka.spec.ts': nestAppSpec("import 'reflect-metadata';"),
  },
};

// A Nest 12 app: ESM (`"type": "module"`, `module: nodenext`), Vitest with unplugin-swc for
// decorator metadata (the NestJS recipe). Vitest leaves node_modules to Node, so the package's
// `import` build is loaded. vite is pinned to 7 (vite 8 does not install here).
export const NEST12_APP: MatrixApp = {
  name: 'nest12-vitest-esm',
  manifest: { type: 'module', scripts: { test: 'vitest run' } },
  dependencies: {
    '@nestjs/common': '12.5.1',
    '@nestjs/core': '12.5.1',
    '@nestjs/platform-express': '12.5.1',
    '@nestjs/terminus': '12.1.0',
    'reflect-metadata': '0.2.2',
    rxjs: '7.8.2',
    ...packageDependencies(),
  },
  devDependencies: {
    '@nestjs/testing': '12.1.1',
    '@swc/core': '1.16.22',
    '@types/node': '20.19.43',
    typescript: '5.9.3',
    'unplugin-swc': '1.6.0',
    vite: '7.3.8',
    vitest: '3.2.7',
  },
  files: {
    'tsconfig.json': JSON.stringify(
      {
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          resolvePackageJsonExports: true,
          esModuleInterop: true,
          isolatedModules: true,
          declaration: true,
          removeComments: true,
          emitDecoratorMetadata: true,
          experimentalDecorators: true,
          allowSyntheticDefaultImports: true,
          target: 'ES2023',
          sourceMap: true,
          outDir: './dist',
          incremental: true,
          skipLibCheck: true,
          strictNullChecks: true,
          types: ['node'],
        },
      },
      null,
      2,
    ),
    'vitest.config.ts': [
      "import swc from 'unplugin-swc';",
      "import { defineConfig } from 'vitest/config';",
      '',
      'export default defineConfig({',
      "  test: { include: ['src/**/*.spec.ts'], testTimeout: 120_000, hookTimeout: 60_000 },",
      "  plugins: [swc.vite({ module: { type: 'es6' } })],",
      '});',
      '',
    ].join('\n'),
    'src/kafka.spec.ts': nestAppSpec("import 'reflect-metadata';\nimport { describe, expect, it } from 'vitest';"),
  },
};

/**
 * Whether Jest can run an app on ESM-only Nest 12 on this Node. Our ESM face re-exports the
 * CommonJS build, which `require()`s `@nestjs/common`; inside Jest that `require` is Jest's own
 * module loader, which can load an ES module synchronously only on Node 24.9+ (below it Jest
 * fails with "Must use import to load ES Module"). Vitest and plain Node have no such limit.
 */
export function jestCanLoadEsmOnlyNest(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 24 || (major === 24 && minor >= 9);
}

// A Nest 12 app tested with Jest the way Nest 11 apps are (CommonJS TypeScript, Jest + ts-jest),
// with Jest 30, which loads ESM-only Nest 12 through its own `require(esm)` (node:vm modules, so
// Jest runs with --experimental-vm-modules). Runs only where
// {@link jestCanLoadEsmOnlyNest}. (Jest's ESM mode, `--experimental-vm-modules`, does not work
// with this package on any Node: Jest runs a CommonJS module imported from ESM while it links the
// graph, before Nest has run, and its `require` of Nest fails as "a cycle involving require(esm)".)
export const NEST12_JEST_APP: MatrixApp = {
  name: 'nest12-jest-cjs',
  manifest: { ...NEST11_APP.manifest, scripts: { test: 'node --experimental-vm-modules node_modules/jest/bin/jest.js' } },
  dependencies: { ...NEST12_APP.dependencies },
  devDependencies: {
    '@nestjs/testing': '12.1.1',
    '@types/jest': '30.0.0',
    '@types/node': '20.19.43',
    jest: '30.5.2',
    'ts-jest': '29.4.15',
    typescript: '5.9.3',
  },
  files: { ...NEST11_APP.files },
};

/**
 * The script both module systems run: `./core` alone, with no `@nestjs/*` package installed.
 * A producer sends one Avro record, a consumer group handles it, both close.
 */
function coreScript(load: (specifier: string) => string, lines: string[]): string {
  return [
    ...lines,
    `const core = ${load('nestjs-kafka-channels/core')};`,
    `const { Kafka, logLevel } = ${load('kafkajs')};`,
    `const assert = ${load('node:assert/strict')};`,
    '',
    "const brokers = process.env.KAFKA_ADDR.split(',');",
    'const suffix = Date.now().toString(36) + Math.random().toString(36).slice(2, 6);',
    "const topic = 'matrix-core-' + suffix;",
    "const ORDER = { type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] };",
    'async function main() {',
    "  const admin = new Kafka({ clientId: 'matrix', brokers, logLevel: logLevel.NOTHING }).admin();",
    '  await admin.connect();',
    '  await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });',
    '  await admin.disconnect();',
    "  const producer = new core.KafkaProducer({ brokers, topic, kafkaJsLogLevel: 'nothing' });",
    "  const group = new core.KafkaConsumerGroup({ brokers, topic, groupName: 'matrix-core-' + suffix, kafkaJsLogLevel: 'nothing' });",
    '  const received = [];',
    '  group.registerHandler(async (message) => { received.push(message.decode(ORDER).id); });',
    '  try {',
    '    await group.start();',
    '    await producer.waitUntilInitialised();',
    "    await producer.send(ORDER, { id: 'o-core' });",
    '    const deadline = Date.now() + 60000;',
    '    while (received.length === 0) {',
    "      if (Date.now() > deadline) throw new Error('no record handled within 60 s');",
    '      await new Promise((resolve) => setTimeout(resolve, 100));',
    '    }',
    "    assert.deepEqual(received, ['o-core']);",
    '  } finally {',
    '    await Promise.all([producer.close(), group.close()]);',
    '  }',
    "  console.log('core ok: ' + received.join(','));",
    '}',
    'main().catch((error) => { console.error(error); process.exitCode = 1; });',
    '',
  ].join('\n');
}

export const CORE_APP: MatrixApp = {
  name: 'core-plain-node',
  manifest: {},
  dependencies: { ...packageDependencies() },
  files: {
    'esm.mjs': coreScript((s) => `await import('${s}')`, []),
    'cjs.cjs': coreScript((s) => `require('${s}')`, ["'use strict';"]),
  },
};

/** Installs (or finds in the cache) every app's dependencies, one app after the other. */
export async function installMatrixApps(): Promise<void> {
  const apps = [CORE_APP, NEST11_APP, NEST11_MICROSERVICES_APP, NEST12_APP, ...(jestCanLoadEsmOnlyNest() ? [NEST12_JEST_APP] : [])];
  for (const app of apps) await installDependencies(app);
}
