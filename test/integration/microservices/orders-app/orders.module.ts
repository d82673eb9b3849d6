import { Module } from '@nestjs/common';
import { OrdersController, OrdersStore } from './orders.controller.js';

@Module({ controllers: [OrdersController], providers: [OrdersStore] })
export class OrdersModule {}
