import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Injectable } from '@nestjs/common';
import {
  CUSTOM_ROUTE_ARGS_METADATA,
  EXCEPTION_FILTERS_METADATA,
  PARAMTYPES_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants.js';
import { ModuleRef } from '@nestjs/core';
import { RpcParamtype } from '@nestjs/microservices/enums/rpc-paramtype.enum.js';
import { Test } from '@nestjs/testing';
import { KafkaParamType } from '../../../lib/nest/pipeline/kafka-param.decorators.js';
import * as internals from '../../../lib/nest/pipeline/nest-internals.js';

@Injectable()
class Probe {
  constructor(readonly moduleRef: ModuleRef) {}
}

// Guards what lib/nest/pipeline/nest-internals.ts takes from Nest: if a Nest upgrade moves any of
// it, this fails before the pipeline does.
describe('Nest internals used by the Kafka pipeline', () => {
  it('uses the metadata keys @nestjs/common writes', () => {
    assert.equal(internals.ROUTE_ARGS_METADATA, ROUTE_ARGS_METADATA);
    assert.equal(internals.CUSTOM_ROUTE_ARGS_METADATA, CUSTOM_ROUTE_ARGS_METADATA);
    assert.equal(internals.PARAMTYPES_METADATA, PARAMTYPES_METADATA);
    assert.equal(EXCEPTION_FILTERS_METADATA, '__exceptionFilters__');
  });

  it("shares @nestjs/microservices' parameter kinds for @Payload and @Ctx", () => {
    assert.equal(KafkaParamType.PAYLOAD, RpcParamtype.PAYLOAD);
    assert.equal(KafkaParamType.CONTEXT, RpcParamtype.CONTEXT);
  });

  it('reaches the container through ModuleRef and builds the context creators from it', async () => {
    const moduleRef = await Test.createTestingModule({ providers: [Probe] }).compile();
    try {
      const container = internals.containerOf(moduleRef.get(Probe).moduleRef);
      assert.equal(typeof container.getModules, 'function');
      assert.ok(container.applicationConfig, 'the application config (global enhancers) is there');
      const source = new internals.NestEnhancerSource(container);
      const probe = moduleRef.get(Probe);
      const method = Probe.prototype.constructor as (...args: unknown[]) => unknown;
      assert.deepEqual(source.guards.create(probe, method, ''), []);
      assert.deepEqual(source.filtersOf(probe, method, ''), []);
    } finally {
      await moduleRef.close();
    }
  });

  it('refuses a ModuleRef without a container with a clear error', () => {
    assert.throws(() => internals.containerOf({} as ModuleRef), /cannot reach the Nest container through ModuleRef/);
  });
});
