import { Partitioners, type ICustomPartitioner, type PartitionerArgs } from 'kafkajs';

/**
 * kafkajs' own `DefaultPartitioner` (murmur2 of the key, Java-compatible; round-robin over
 * partitions with a leader when there is no key), wrapped so that the partition it chooses is
 * written onto the message. After `sendBatch` every record therefore names its partition, and the
 * sender can check that partition against the acknowledgements (kafkajs#1303 can leave one out).
 * Placement is exactly kafkajs' (same function, same round-robin counter); a keyless record keeps
 * its first partition when kafkajs retries the request, as Java's producer does.
 *
 * It also remembers how many partitions each topic had in the metadata of the last request, so
 * that a record for a partition that does not exist can be told from one whose ack went missing.
 */
export class RecordingPartitioner {
  private readonly counts = new Map<string, number>();
  // kafkajs passes one metadata array to every record of a request: look at a new one only.
  private lastMetadata: PartitionerArgs['partitionMetadata'] | undefined;

  /** The `createPartitioner` option of a kafkajs producer. Call once per producer. */
  readonly createPartitioner: ICustomPartitioner = () => {
    const choose = Partitioners.DefaultPartitioner();
    return (args: PartitionerArgs): number => {
      const partition = choose(args);
      args.message.partition = partition;
      if (args.partitionMetadata !== this.lastMetadata) {
        this.lastMetadata = args.partitionMetadata;
        this.counts.set(args.topic, args.partitionMetadata.length);
      }
      return partition;
    };
  };

  /** Partitions `topic` had when kafkajs last placed a record of it; undefined before that. */
  partitionCount(topic: string): number | undefined {
    return this.counts.get(topic);
  }
}
