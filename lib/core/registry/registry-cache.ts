import type { RegisteredSchema, SchemaRegistryClient } from './schema-registry.js';
import { cachedPromise as once } from './promise-cache.js';
import { RegistryHttp, type SchemaRegistryClientOptions } from './registry-http.js';

/**
 * Caches a registry's answers for the life of the client: schemas by id and ids by
 * (subject, schema) never change in a registry. The latest version of a subject is not kept (it
 * changes): concurrent calls share one request, and serializers keep it for their
 * `latestVersionTtlMs`. A failed lookup is not cached, so the next one asks again.
 */
export class RegistryCache implements SchemaRegistryClient {
  private readonly schemas = new Map<number, Promise<string>>();
  private readonly ids = new Map<string, Promise<number>>();
  private readonly latest = new Map<string, Promise<RegisteredSchema>>();

  constructor(private readonly registry: SchemaRegistryClient) {}

  get url(): string {
    return this.registry.url;
  }

  /** Never cached: each call asks the registry. */
  checkReachable(): Promise<void> {
    return this.registry.checkReachable();
  }

  register(subject: string, schema: string): Promise<number> {
    return once(this.ids, `${subject}\n${schema}`, () => this.registry.register(subject, schema));
  }

  schemaById(id: number): Promise<string> {
    return once(this.schemas, id, () => this.registry.schemaById(id));
  }

  latestVersion(subject: string): Promise<RegisteredSchema> {
    const asking = once(this.latest, subject, async () => {
      const found = await this.registry.latestVersion(subject);
      // The id of a version is as good as a lookup by id: later records of that id need no request.
      if (!this.schemas.has(found.id)) this.schemas.set(found.id, Promise.resolve(found.schema));
      return found;
    });
    // Shared while in flight only: the next call after it answered asks again.
    const forget = () => {
      if (this.latest.get(subject) === asking) this.latest.delete(subject);
    };
    asking.then(forget, forget);
    return asking;
  }
}

/**
 * A client of a Confluent-compatible schema registry (Confluent, Apicurio's `/apis/ccompat/v7`,
 * Karapace) on Node's `fetch`, with every answer cached: once warm, serializing and deserializing
 * make no HTTP request. Throws `KafkaConfigError` for a bad URL or time-out.
 */
export function createSchemaRegistryClient(options: SchemaRegistryClientOptions): SchemaRegistryClient {
  return new RegistryCache(new RegistryHttp(options));
}
