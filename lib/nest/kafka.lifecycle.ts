import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { describeCause } from '../core/errors.js';
import { outcomeWithin, type Outcome } from '../core/time-limit.js';
import { KafkaModuleError } from './kafka-module.error.js';
import { KafkaExplorer } from './kafka.explorer.js';
import { KafkaClientRegistry } from './kafka.registry.js';
import { startHealthSubscriptions } from './health/kafka-health-subscription.js';
import { NestKafkaLogger } from './nest-kafka-logger.js';

/**
 * Drives the clients through Nest's lifecycle:
 * - module init: the clients start connecting (not before: a failed dependency injection leaves
 *   nothing connected), handlers are discovered and bound;
 * - application bootstrap: every group must have a handler; groups with `autoStart` start;
 * - before shutdown: groups `stopAndWait()` (in-flight handlers finish, their offsets commit);
 * - shutdown: groups close, then producers close (handlers may still send while draining).
 * Each shutdown phase is bounded by `shutdownTimeout`; shutdown failures are logged, never thrown.
 */
@Injectable()
export class KafkaLifecycle implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('KafkaModule');
  private closed = false;
  private endHealthSubscriptions: (() => void) | undefined;

  constructor(
    private readonly registry: KafkaClientRegistry,
    private readonly explorer: KafkaExplorer,
  ) {}

  /** Binds the decorated handlers; on a boot error, closes every client before rethrowing. */
  async onModuleInit(): Promise<void> {
    this.registry.startClients();
    await this.closeOnBootError(() => this.explorer.explore());
  }

  /**
   * Checks that every group has a handler (decorated, or registered by your own `onModuleInit`),
   * then starts the groups whose `autoStart` is not `false`.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.closeOnBootError(() => {
      const idle = this.registry.groups().filter((g) => !g.group.hasHandler());
      if (idle.length > 0) {
        throw new KafkaModuleError(
          idle.map(
            (g) =>
              `consumer group "${g.name}" has no handler: decorate one provider method with @KafkaHandler({ group: '${g.name}' }) or @KafkaBatchHandler({ group: '${g.name}' }), or read it with group.messages() from onModuleInit`,
          ),
        );
      }
    });
    await this.closeOnBootError(() => {
      const producerNamed = (n: string) => this.registry.producers().find((p) => p.name === n)?.producer;
      this.endHealthSubscriptions = startHealthSubscriptions(this.registry.groups(), producerNamed, new NestKafkaLogger('KafkaModule'));
    });
    for (const { name, group, autoStart, healthSubscription } of this.registry.groups()) {
      if (!autoStart || healthSubscription) continue;
      try {
        await group.start();
      } catch (error) {
        // A start refused by the state machine is reported, not fatal: the app keeps serving.
        this.logger.error(`consumer group "${name}" did not start: ${describeCause(error)}`);
      }
    }
  }

  /** Stops every group and waits for in-flight handlers and their commits, bounded. */
  async beforeApplicationShutdown(): Promise<void> {
    // Nothing may restart a group once its drain begins.
    this.endHealthSubscriptions?.();
    if (this.closed) return;
    await Promise.all(
      this.registry.groups().map(({ name, group }) => this.bounded(`draining consumer group "${name}"`, () => group.stopAndWait())),
    );
  }

  /** Closes the groups, then the producers, each phase bounded. */
  async onApplicationShutdown(): Promise<void> {
    await this.closeAll();
  }

  private async closeAll(): Promise<void> {
    this.endHealthSubscriptions?.();
    if (this.closed) return;
    this.closed = true;
    const timeout = this.registry.shutdownTimeout;
    await Promise.all(
      this.registry.groups().map(({ name, group }) => this.bounded(`closing consumer group "${name}"`, () => group.close({ timeout }))),
    );
    await Promise.all(
      this.registry.producers().map(({ name, producer }) => this.bounded(`closing producer "${name}"`, () => producer.close({ timeout }))),
    );
  }

  private async closeOnBootError(step: () => void): Promise<void> {
    try {
      step();
    } catch (error) {
      await this.closeAll();
      throw error;
    }
  }

  // Runs `work` for at most shutdownTimeout (plus a grace for the core's own timeout to fire).
  private async bounded(what: string, work: () => Promise<void>): Promise<void> {
    const limit = this.registry.shutdownTimeout;
    let outcome: Outcome;
    try {
      outcome = await outcomeWithin(work(), limit + 1_000);
    } catch (error) {
      outcome = { error }; // `work` threw before returning its promise
    }
    if (outcome === 'timeout') this.logger.warn(`${what} took longer than ${limit} ms; continuing shutdown`);
    else if (outcome !== 'ok') this.logger.error(`${what} failed: ${describeCause(outcome.error)}`);
  }
}
