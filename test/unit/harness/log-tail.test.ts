import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogTail } from '../../../scripts/kafka/log-tail.js';
import { tail } from '../../../scripts/kafka/tools.js';

describe('harness log tail', () => {
  it('keeps only the last lines and joins chunks split mid-line', () => {
    const log = new LogTail(3);
    log.push('one\ntw');
    log.push('o\nthree\nfour\nfi');
    assert.equal(log.text(), 'two\nthree\nfour\nfi');
    assert.ok(log.includes(/four/));
    assert.ok(!log.includes(/one/));
  });

  it('tells watchers about every complete line until they stop watching', () => {
    const log = new LogTail();
    const seen: string[] = [];
    const stop = log.watch((line) => seen.push(line));
    log.push('a\nb');
    log.push('\nc\n');
    stop();
    log.push('d\n');
    assert.deepEqual(seen, ['a', 'b', 'c']);
  });

  it('reports an empty log explicitly', () => {
    assert.equal(new LogTail().text(), '(no output)');
  });

  it('tails text without blank lines', () => {
    assert.equal(tail('1\n\n2\n3\n4\n', 2), '3\n4');
  });
});
