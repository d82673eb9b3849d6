import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Injectable, Scope, UseGuards, type CanActivate, type Provider } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { KafkaBatchHandler, KafkaHandler, KafkaModuleError, type KafkaModuleOptions } from '../../../lib/nest/index.js';
import { Header, WorkerId } from '../../../lib/nest/pipeline/index.js';
import { KafkaTestingModule } from '../../../lib/testing/nest/kafka-testing.module.js';

const quiet = { logLevel: 'nothing' as const };

@Injectable()
class RoutingMistakes {
  @KafkaHandler({ group: 'multi', topic: 'a' })
  onA(): void {}

  @KafkaHandler({ group: 'multi', topic: 'a' })
  onAToo(): void {}

  @KafkaHandler({ group: 'multi', topic: 'elsewhere' })
  onElsewhere(): void {}
}

@Injectable()
class TwoCatchAlls {
  @KafkaHandler({ group: 'single' })
  first(): void {}

  @KafkaHandler({ group: 'single' })
  second(): void {}
}

@Injectable()
class BatchWithPerMessageParams {
  @KafkaBatchHandler({ group: 'batches' })
  onBatch(@Header('x') _x: string, @WorkerId() _id: number): void {}
}

@Injectable({ scope: Scope.REQUEST })
class RequestScopedGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

@Injectable()
class HandlerWithScopedGuard {
  @KafkaHandler({ group: 'single' })
  @UseGuards(RequestScopedGuard)
  handle(): void {}
}

@Injectable()
class RoutedWithCatchAll {
  readonly seen: string[] = [];

  @KafkaHandler({ group: 'multi', topic: 'a' })
  onA(): void {
    this.seen.push('a');
  }

  @KafkaHandler({ group: 'multi' })
  onRest(): void {
    this.seen.push('rest');
  }
}

async function boot(consumerGroups: KafkaModuleOptions['consumerGroups'], providers: Provider[]): Promise<void> {
  const moduleRef = await Test.createTestingModule({
    imports: [KafkaTestingModule.forRoot({ ...quiet, consumerGroups })],
    providers,
  }).compile();
  try {
    await moduleRef.init();
  } finally {
    await moduleRef.close();
  }
}

describe('Nest pipeline boot errors', () => {
  it('lists every routing problem of every group at once', async () => {
    await assert.rejects(
      boot(
        {
          multi: { topic: ['a', 'b', 'c'], groupName: 'multi' },
          single: { topic: 's', groupName: 'single' },
          batches: { topic: 'x', groupName: 'batches' },
        },
        [RoutingMistakes, TwoCatchAlls, BatchWithPerMessageParams],
      ),
      (error: unknown) => {
        assert.ok(error instanceof KafkaModuleError, String(error));
        const text = error.message;
        assert.match(
          text,
          /RoutingMistakes\.onElsewhere handles topic "elsewhere", which consumer group "multi" does not read \(its topics: "a", "b", "c"\)/,
        );
        assert.match(text, /topic "a" of consumer group "multi" has 2 handlers \(RoutingMistakes\.onA, RoutingMistakes\.onAToo\)/);
        assert.match(text, /consumer group "multi" reads "b", "c" but no handler takes them/);
        assert.match(text, /consumer group "single" has 2 handlers \(TwoCatchAlls\.first, TwoCatchAlls\.second\) without a topic/);
        assert.match(
          text,
          /BatchWithPerMessageParams\.onBatch is a @KafkaBatchHandler: @Header\(\), @Headers\(\) and @WorkerId\(\) are per message/,
        );
        return true;
      },
    );
  });

  it('accepts per-topic handlers with a catch-all for the remaining topics', async () => {
    await boot({ multi: { topic: ['a', 'b', 'c'], groupName: 'multi' } }, [RoutedWithCatchAll]);
  });

  it('refuses a handler whose guard is request-scoped (it could never be applied per record)', async () => {
    await assert.rejects(
      boot({ single: { topic: 's', groupName: 'single' } }, [HandlerWithScopedGuard, RequestScopedGuard]),
      (error: unknown) => {
        assert.ok(error instanceof KafkaModuleError, String(error));
        assert.match(error.message, /HandlerWithScopedGuard\.handle is a Kafka handler on a request-scoped, durable or transient provider/);
        return true;
      },
    );
  });

  it('rejects an empty topic option when the class is defined', () => {
    assert.throws(
      () => KafkaHandler({ group: 'g', topic: ' ' }),
      (e: unknown) => e instanceof KafkaModuleError && /needs topic to be a non-empty string/.test(e.message),
    );
  });
});
