/**
 * A SIGTERM or SIGINT to the `npm start` process group (Ctrl-C in a terminal): the script gets the
 * signal twice, from the terminal and forwarded by npm, and must still stop gracefully.
 */
import { test } from 'node:test';
import { npmStartStopsCleanly } from '../../support/npm-start.js';

test('SIGTERM to the npm start process group stops the sample app and its broker, leaving no JVM', () =>
  npmStartStopsCleanly('SIGTERM', 'group'));
test('SIGINT to the npm start process group stops the sample app and its broker, leaving no JVM', () =>
  npmStartStopsCleanly('SIGINT', 'group'));
