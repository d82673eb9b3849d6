import avro from 'avsc';
import { describeCause, SchemaRegistrationError, SchemaRegistryRequestError, SchemaRegistryUnavailableError } from '../core/errors.js';
import type { RegisteredSchema, SchemaRegistry } from '../core/registry/schema-registry.js';

/** How an {@link InMemorySchemaRegistry} checks a new version against the subject's latest. */
export type InMemoryCompatibility = 'BACKWARD' | 'NONE';

/** Options of {@link InMemorySchemaRegistry}. */
export interface InMemorySchemaRegistryOptions {
  /** `BACKWARD` (the default, as in Confluent's registry): a new version must read the latest one's data. `NONE`: no check. */
  readonly compatibility?: InMemoryCompatibility;
}

interface StoredSchema {
  readonly id: number;
  readonly text: string;
  readonly type: avro.Type;
}

/**
 * A schema registry in memory, for unit tests without a server: global ids from 1, subjects with
 * versions, the same schema text under one id everywhere, and a BACKWARD compatibility check
 * (the new schema must be able to read data of the subject's latest version). It implements the
 * same `SchemaRegistry` contract as `createSchemaRegistryClient`, errors included.
 */
export class InMemorySchemaRegistry implements SchemaRegistry {
  private readonly compatibility: InMemoryCompatibility;
  private readonly byId = new Map<number, StoredSchema>();
  private readonly byText = new Map<string, StoredSchema>();
  private readonly subjects = new Map<string, StoredSchema[]>();
  private unavailable = false;
  /** Shown as the registry's address in health reports. */
  readonly url = 'in-memory';

  constructor(options: InMemorySchemaRegistryOptions = {}) {
    this.compatibility = options.compatibility ?? 'BACKWARD';
  }

  /** `true` makes every call fail with `SchemaRegistryUnavailableError`, as a registry that is down; `false` brings it back. */
  setUnavailable(unavailable: boolean): void {
    this.unavailable = unavailable;
  }

  /** Resolves, or rejects with `SchemaRegistryUnavailableError` while {@link setUnavailable} is on (the health check's probe). */
  checkReachable(): Promise<void> {
    return this.answer(() => undefined);
  }

  /** The subjects registered so far, in registration order. */
  listSubjects(): string[] {
    return [...this.subjects.keys()];
  }

  register(subject: string, schema: string): Promise<number> {
    return this.answer(() => {
      const type = parse(subject, schema);
      // Kept as written (whitespace aside): avsc's `Type#schema()` would drop defaults and logical types.
      const text = JSON.stringify(JSON.parse(schema));
      const versions = this.subjects.get(subject) ?? [];
      const existing = versions.find((version) => version.text === text);
      if (existing) return existing.id;
      const latest = versions.at(-1);
      if (latest && this.compatibility === 'BACKWARD') {
        try {
          type.createResolver(latest.type);
        } catch (cause) {
          throw new SchemaRegistrationError(
            subject,
            409,
            `schema cannot read data written with version ${versions.length}: ${describeCause(cause)}`,
          );
        }
      }
      let stored = this.byText.get(text);
      if (!stored) {
        stored = { id: this.byId.size + 1, text, type };
        this.byId.set(stored.id, stored);
        this.byText.set(text, stored);
      }
      this.subjects.set(subject, [...versions, stored]);
      return stored.id;
    });
  }

  schemaById(id: number): Promise<string> {
    return this.answer(() => {
      const stored = this.byId.get(id);
      if (!stored) throw new SchemaRegistryRequestError(`schema ${id}`, 404, `schema ${id} not found`);
      return stored.text;
    });
  }

  latestVersion(subject: string): Promise<RegisteredSchema> {
    return this.answer(() => {
      const versions = this.subjects.get(subject);
      const latest = versions?.at(-1);
      if (!versions || !latest) throw new SchemaRegistryRequestError(`latest version of ${subject}`, 404, `subject ${subject} not found`);
      return { subject, id: latest.id, version: versions.length, schema: latest.text };
    });
  }

  private answer<T>(work: () => T): Promise<T> {
    if (this.unavailable) return Promise.reject(new SchemaRegistryUnavailableError('in-memory', 'set unavailable by the test'));
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }
}

function parse(subject: string, schema: string): avro.Type {
  try {
    return avro.Type.forSchema(JSON.parse(schema) as avro.Schema);
  } catch (cause) {
    throw new SchemaRegistrationError(subject, 422, `invalid schema: ${describeCause(cause)}`);
  }
}
