import 'reflect-metadata';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { before, describe, it } from 'node:test';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { KafkaMessage } from '../../../lib/core/message.js';
import { KafkaHandler, KafkaModule } from '../../../lib/nest/index.js';
import { createTopic, produceRaw, uniqueName } from '../../support/env.js';
import { committedOffsets, eventually, testConnection } from './nest-fixtures.js';

const topic = uniqueName('nest-shutdown');
const groupName = uniqueName('nest-shutdown-group');
const TOTAL = 30;

/** Records every value it handles; slow on purpose so that shutdown finds work in flight. */
@Injectable()
class SlowHandler {
  static delayMs = 0;
  readonly handled: string[] = [];
  started = 0;

  @KafkaHandler({ group: 'work' })
  async handle(message: KafkaMessage): Promise<void> {
    this.started += 1;
    await sleep(SlowHandler.delayMs);
    this.handled.push(message.value?.toString() ?? '');
  }
}

async function startApp() {
  const moduleRef = await Test.createTestingModule({
    imports: [KafkaModule.forRoot({ ...testConnection(), consumerGroups: { work: { topic, groupName, numWorkers: 2 } } })],
    providers: [SlowHandler],
  }).compile();
  return moduleRef.init();
}

describe('shutdown while handlers are busy', () => {
  before(async () => {
    await createTopic(topic, 2);
    await produceRaw(
      topic,
      Array.from({ length: TOTAL }, (_, i) => ({ key: `k${i}`, value: String(i) })),
    );
  });

  it('waits for in-flight handlers, commits them, and a restarted app sees no duplicate and no gap', async () => {
    SlowHandler.delayMs = 200;
    const first = await startApp();
    const firstHandler = first.get(SlowHandler);
    // Close only while a handler is mid-message, so the drain has real work to wait for.
    await eventually(
      'a few messages handled and one in flight',
      () => firstHandler.handled.length >= 4 && firstHandler.started > firstHandler.handled.length,
    );
    await first.close();
    const handledBeforeClose = [...firstHandler.handled];
    assert.equal(firstHandler.started, handledBeforeClose.length, 'close returned while a handler was still running');
    assert.ok(handledBeforeClose.length < TOTAL, 'the first app consumed everything; the test proves nothing');

    const committed = [...(await committedOffsets(groupName, topic)).values()].reduce((sum, o) => sum + Math.max(0, Number(o)), 0);
    assert.equal(committed, handledBeforeClose.length, 'committed offsets do not match the handled messages');

    SlowHandler.delayMs = 0;
    const second = await startApp();
    try {
      const secondHandler = second.get(SlowHandler);
      await eventually('the rest handled', () => handledBeforeClose.length + secondHandler.handled.length >= TOTAL);
      await sleep(1_000); // room for a duplicate to show up
      const all = [...handledBeforeClose, ...secondHandler.handled];
      assert.equal(new Set(all).size, all.length, `duplicates: ${all.filter((v, i) => all.indexOf(v) !== i).join(',')}`);
      assert.deepEqual(
        all.map(Number).sort((a, b) => a - b),
        Array.from({ length: TOTAL }, (_, i) => i),
      );
    } finally {
      await second.close();
    }
  });
});
