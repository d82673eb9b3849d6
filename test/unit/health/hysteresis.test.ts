import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HealthStatus } from '../../../lib/core/health/health-types.js';
import { HealthHysteresis } from '../../../lib/core/health/hysteresis.js';

const run = (h: HealthHysteresis, statuses: HealthStatus[]) => statuses.map((s) => h.observe(s) ?? '-');

describe('HealthHysteresis', () => {
  it('with thresholds of 1 follows every change once', () => {
    assert.deepEqual(run(new HealthHysteresis(1, 1), ['OK', 'OK', 'CRITICAL', 'WARNING', 'OK']), ['start', '-', 'stop', '-', 'start']);
  });

  it('needs upAfter consecutive OKs and downAfter consecutive failures', () => {
    const h = new HealthHysteresis(3, 2);
    assert.deepEqual(run(h, ['OK', 'OK', 'CRITICAL', 'OK', 'OK', 'OK', 'WARNING', 'OK', 'CRITICAL', 'CRITICAL']), [
      '-',
      '-',
      '-',
      '-',
      '-',
      'start',
      '-',
      '-',
      '-',
      'stop',
    ]);
  });

  it('a single flap does not toggle', () => {
    const h = new HealthHysteresis(2, 2);
    assert.deepEqual(run(h, ['OK', 'OK', 'CRITICAL', 'OK', 'CRITICAL', 'OK']), ['-', 'start', '-', '-', '-', '-']);
  });

  it('forgetDecision repeats the last action on the next qualifying result', () => {
    const h = new HealthHysteresis(1, 1);
    assert.equal(h.observe('OK'), 'start');
    h.forgetDecision();
    assert.equal(h.observe('OK'), 'start');
  });
});
