import { KafkaConfigError } from '../errors.js';

/** Whether a schema describes a record's key or its value. */
export type SchemaRole = 'key' | 'value';

/** What a subject name strategy may use to name the subject of a schema. */
export interface SubjectNameContext {
  /** The topic the record is written to or read from. */
  readonly topic: string;
  /** Key or value. */
  readonly role: SchemaRole;
  /** The schema's fully qualified name (`namespace.Name`), when it is a named type (record, enum, fixed). */
  readonly recordName: string | undefined;
}

/** Names the registry subject a schema is registered and looked up under. */
export type SubjectNameStrategy = (context: SubjectNameContext) => string;

/** `<topic>-key` or `<topic>-value`: one schema lineage per topic and role. The default. */
export const topicNameStrategy: SubjectNameStrategy = ({ topic, role }) => `${topic}-${role}`;

/**
 * The schema's fully qualified record name: one lineage per record type, shared by every topic
 * that carries it. Throws {@link KafkaConfigError} for a schema without a name (a primitive, array, map or union).
 */
export const recordNameStrategy: SubjectNameStrategy = (context) => requireRecordName(context, 'RecordNameStrategy');

/** `<topic>-<fully qualified record name>`: one lineage per record type in each topic. */
export const topicRecordNameStrategy: SubjectNameStrategy = (context) =>
  `${context.topic}-${requireRecordName(context, 'TopicRecordNameStrategy')}`;

function requireRecordName({ topic, role, recordName }: SubjectNameContext, strategy: string): string {
  if (recordName === undefined || recordName === '') {
    throw new KafkaConfigError('subject name strategy', [
      {
        field: 'subjectNameStrategy',
        problem: `${strategy} needs a named schema (record, enum or fixed) for the ${role} of topic ${topic}`,
      },
    ]);
  }
  return recordName;
}
