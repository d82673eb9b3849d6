// A controller written for the built-in Kafka transport (`Transport.KAFKA`), as a user would: it
// imports nothing from nestjs-kafka-channels. unchanged-controller.test.ts runs it on both
// transports with the same end-to-end test.
import { Catch, Controller, Injectable, UseFilters, UseGuards, UseInterceptors, UsePipes, ValidationPipe } from '@nestjs/common';
import type { CallHandler, CanActivate, ExecutionContext, NestInterceptor, RpcExceptionFilter } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { IsArray, IsInt, IsString, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { map, throwError, type Observable } from 'rxjs';

export const TOTAL_TOPIC = 'shop.orders.total';
export const CREATED_TOPIC = 'shop.orders.created';

export class OrderLine {
  @IsString()
  sku!: string;

  @IsInt()
  @Min(1)
  quantity!: number;

  @IsInt()
  unitPrice!: number;
}

export class TotalRequest {
  @IsString()
  orderId!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => OrderLine)
  lines!: OrderLine[];
}

export class OutOfStockError extends Error {
  constructor(readonly sku: string) {
    super(`out of stock: ${sku}`);
  }
}

@Injectable()
export class OrdersStore {
  readonly created: Array<{ id: string; key: unknown; source: unknown }> = [];
}

/** Requests must carry the `x-api-key` header. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const message = context.switchToRpc().getContext<KafkaContext>().getMessage();
    return message.headers?.['x-api-key'] === 'secret';
  }
}

/** Adds who answered, as a user's logging or envelope interceptor would. */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const topic = context.switchToRpc().getContext<KafkaContext>().getTopic();
    return next.handle().pipe(map((body: unknown) => ({ ...(body as object), answeredOn: topic })));
  }
}

@Catch(OutOfStockError)
export class OutOfStockFilter implements RpcExceptionFilter<OutOfStockError> {
  catch(error: OutOfStockError): Observable<never> {
    return throwError(() => ({ status: 'out-of-stock', sku: error.sku }));
  }
}

@Controller()
export class OrdersController {
  constructor(private readonly store: OrdersStore) {}

  @MessagePattern(TOTAL_TOPIC)
  @UseGuards(ApiKeyGuard)
  @UseInterceptors(EnvelopeInterceptor)
  @UseFilters(OutOfStockFilter)
  @UsePipes(
    new ValidationPipe({
      transform: true,
      exceptionFactory: (errors) => new RpcException({ status: 'invalid', fields: errors.map((e) => e.property) }),
    }),
  )
  total(@Payload() request: TotalRequest, @Ctx() context: KafkaContext): { orderId: string; total: number; partition: number } {
    if (!(request instanceof TotalRequest)) throw new Error('the ValidationPipe did not transform the payload');
    const missing = request.lines.find((line) => line.sku.startsWith('gone-'));
    if (missing) throw new OutOfStockError(missing.sku);
    const total = request.lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
    return { orderId: request.orderId, total, partition: context.getPartition() };
  }

  // `<string>`: Nest 12's typed-events overload would otherwise require `...args: unknown[]` after the payload.
  @EventPattern<string>(CREATED_TOPIC)
  created(@Payload() order: { id: string }, @Ctx() context: KafkaContext): void {
    const message = context.getMessage();
    this.store.created.push({ id: order.id, key: message.key, source: message.headers?.['source'] });
  }
}
