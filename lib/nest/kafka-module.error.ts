import { KafkaError } from '../core/errors.js';

/**
 * The Nest module cannot boot as configured: a handler names an undeclared group, a group has
 * two handlers or none, the async factory's names differ from the static ones, … Every problem
 * found in one pass is listed in `problems`, so one restart fixes them all.
 */
export class KafkaModuleError extends KafkaError {
  /** One sentence per problem. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super(`KafkaModule cannot start: ${problems.join('; ')}`, { problems }, options);
    this.problems = problems;
  }
}
