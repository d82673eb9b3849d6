import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { tap, type Observable } from 'rxjs';
import { KafkaContext, kafkaContextOf } from '../../lib/index.js';

/** Logs where each Kafka record came from, how long its handler took, and how it ended. */
@Injectable()
export class KafkaLoggingInterceptor implements NestInterceptor {
  private readonly logger = new Logger('KafkaRecords');

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const kafka = kafkaContextOf(context);
    if (!(kafka instanceof KafkaContext)) return next.handle();
    const where = `${kafka.topic}[${kafka.partition}]@${kafka.offset} (worker ${kafka.workerId})`;
    const started = performance.now();
    return next.handle().pipe(
      tap({
        complete: () => this.logger.log(`${where} handled in ${(performance.now() - started).toFixed(1)} ms`),
        error: (error: unknown) =>
          this.logger.warn(`${where} failed after ${(performance.now() - started).toFixed(1)} ms: ${String(error)}`),
      }),
    );
  }
}
