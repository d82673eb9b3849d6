import { onTheBroker, produceNumbered } from '../../support/case-runners.js';
import { handlerSemanticsCases } from '../../unit/testing/handler-semantics.cases.js';

// The same cases as test/unit/testing/handler-semantics.test.ts, on the real group and broker.
handlerSemanticsCases({ ...onTheBroker('kit'), produce: produceNumbered });
