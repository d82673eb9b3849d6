/**
 * `npm run docs:api`: the API reference in docs/api/, generated from the TSDoc of the built
 * declarations. API Extractor (the configs in api/extractor/, with the doc model switched on and
 * the report off) writes one .api.json per entry point; @microsoft/api-documenter turns them into
 * Markdown pages, one per exported name and member, plus docs/api/index.md.
 *
 * The root entry holds everything of `./core` (the framework-free names) plus the Nest layer, so
 * `./core` gets no pages of its own. Every entry has the package's name in its model, and the
 * documenter keys pages by package name and accepts only npm names, so `./testing` and `./health`
 * are renamed `nestjs-kafka-channels-testing` / `-health` for it, and their titles and breadcrumbs
 * are written back as the import paths afterwards.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';
import { projectRoot } from '../kafka/paths.js';

// The documenter needs valid npm names; the pages then show the import paths (see shownNames).
const ENTRIES = {
  root: 'nestjs-kafka-channels',
  testing: 'nestjs-kafka-channels-testing',
  health: 'nestjs-kafka-channels-health',
  microservices: 'nestjs-kafka-channels-microservices',
} as const;

function main(): number {
  const input = join(projectRoot, 'node_modules', '.cache', 'api-docs');
  const output = join(projectRoot, 'docs', 'api');
  rmSync(input, { recursive: true, force: true });
  mkdirSync(input, { recursive: true });
  for (const [entry, importPath] of Object.entries(ENTRIES)) {
    const configFile = join(projectRoot, 'api', 'extractor', `${entry}.json`);
    const configObject = ExtractorConfig.loadFile(configFile);
    const apiJson = join(input, `${entry}.api.json`);
    configObject.apiReport = { ...configObject.apiReport, enabled: false, reportFileName: entry };
    configObject.docModel = { enabled: true, apiJsonFilePath: apiJson };
    const config = ExtractorConfig.prepare({
      configObject,
      configObjectFullPath: configFile,
      packageJsonFullPath: join(projectRoot, 'package.json'),
    });
    const result = Extractor.invoke(config, {
      localBuild: true,
      messageCallback: (message) => {
        // The API report (npm run api:check) is where these are judged; here they are noise.
        message.logLevel = ExtractorLogLevel.None;
      },
    });
    if (!result.succeeded) {
      process.stderr.write(`api-docs: API Extractor failed on ${entry}\n`);
      return 1;
    }
    const model = JSON.parse(readFileSync(apiJson, 'utf8')) as { name: string };
    model.name = importPath;
    writeFileSync(apiJson, JSON.stringify(model, null, 2));
  }
  rmSync(output, { recursive: true, force: true });
  // The bin is not in the package's exports: found beside its package.json.
  const documenter = join(
    dirname(createRequire(import.meta.url).resolve('@microsoft/api-documenter/package.json')),
    'bin',
    'api-documenter',
  );
  execFileSync(process.execPath, [documenter, 'markdown', '--input-folder', input, '--output-folder', output], { stdio: 'inherit' });
  for (const file of readdirSync(output)) shownNames(join(output, file));
  return 0;
}

/** Writes the import paths where the documenter shows the stand-in package names (titles, link texts). */
function shownNames(file: string): void {
  const text = readFileSync(file, 'utf8');
  const shown = text
    .replace(/\[nestjs-kafka-channels-(testing|health|microservices)\]/g, '[nestjs-kafka-channels/$1]')
    .replace(/^(#+ )nestjs-kafka-channels-(testing|health|microservices) package/gm, '$1nestjs-kafka-channels/$2 package');
  if (shown !== text) writeFileSync(file, shown);
}

process.exitCode = main();
