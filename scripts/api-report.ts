/**
 * `npm run api:check` / `npm run api:update`: the public API report of every entry point.
 *
 * Runs API Extractor over each entry's declarations (configs in `api/extractor/`) and compares
 * the result with the checked-in `api/<entry>.api.md`. A change to the public surface (a name
 * added or removed, a signature changed) fails `api:check` until `api:update` rewrites the
 * report, so every change to what users can import is a reviewed diff. Prints the number of
 * exported names per entry.
 */
import { Extractor, ExtractorConfig, ExtractorMessageCategory } from '@microsoft/api-extractor';
import { join } from 'node:path';
import { projectRoot } from './kafka/paths.js';

const ENTRIES = ['root', 'core', 'testing', 'health', 'microservices'] as const;

function main(): number {
  const update = process.argv.includes('--update');
  let failed = 0;
  for (const entry of ENTRIES) {
    const config = ExtractorConfig.loadFileAndPrepare(join(projectRoot, 'api', 'extractor', `${entry}.json`));
    const result = Extractor.invoke(config, {
      localBuild: update,
      showVerboseMessages: false,
      messageCallback: (m) => {
        // The report already lists these; printing them again would only be noise.
        if (m.category === ExtractorMessageCategory.Extractor) m.handled = true;
      },
    });
    const counted = result.succeeded ? `${result.apiReportChanged ? 'changed' : 'unchanged'}` : 'FAILED';
    process.stdout.write(`api ${entry}: ${counted}\n`);
    if (!result.succeeded || (!update && result.apiReportChanged)) failed++;
  }
  if (failed > 0 && !update) {
    process.stderr.write(
      'The public API differs from api/*.api.md. If the change is intended, run `npm run api:update` and commit the reports.\n',
    );
  }
  return failed > 0 ? 1 : 0;
}

process.exitCode = main();
