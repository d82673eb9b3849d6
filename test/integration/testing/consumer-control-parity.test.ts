import { onTheBroker, produceNumbered } from '../../support/case-runners.js';
import { consumerControlCases } from '../../unit/testing/consumer-control.cases.js';

// The same cases as test/unit/testing/consumer-control-parity.test.ts, on the real group and broker.
consumerControlCases({ ...onTheBroker('kit'), produce: produceNumbered });
