/**
 * A SIGTERM or SIGINT to the `npm start` process alone (what `kill <pid>`, supervisors and IDEs
 * send). This used to leak the app and its broker JVM: npm forwards the signal to its child only,
 * and that was a shell which died (SIGTERM) or waited (SIGINT) without passing it on.
 */
import { test } from 'node:test';
import { npmStartStopsCleanly } from '../../support/npm-start.js';

test('SIGTERM to the npm start process stops the sample app and its broker, leaving no JVM', () => npmStartStopsCleanly('SIGTERM', 'npm'));
test('SIGINT to the npm start process stops the sample app and its broker, leaving no JVM', () => npmStartStopsCleanly('SIGINT', 'npm'));
