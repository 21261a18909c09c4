/** Creating the run's topic (LogAppendTime, so latency is measured on the broker's clock) and reading its offsets. */
import { LosslabError } from "../errors.js";
import { kafkaClient } from "./client.js";
import { waitFor } from "../env/wait.js";

export interface TopicSpec {
  topic: string;
  partitions: number;
  replicationFactor: number;
  minInsyncReplicas?: number;
  retentionMs?: number;
}

export type PartitionOffsets = Record<number, string>;

export async function createTopic(brokers: string[], spec: TopicSpec): Promise<void> {
  // Leaders of a new topic take a moment to be elected in a cluster: let KafkaJS retry its metadata calls.
  const admin = kafkaClient(brokers, "losslab-admin", { retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 2_000 } }).admin();
  await admin.connect();
  try {
    const configEntries = [{ name: "message.timestamp.type", value: "LogAppendTime" }];
    if (spec.minInsyncReplicas !== undefined) configEntries.push({ name: "min.insync.replicas", value: String(spec.minInsyncReplicas) });
    if (spec.retentionMs !== undefined) {
      configEntries.push({ name: "retention.ms", value: String(spec.retentionMs) });
      // Small segments so that retention can delete records during a short run.
      configEntries.push({ name: "segment.ms", value: String(Math.max(1_000, Math.floor(spec.retentionMs / 2))) });
    }
    await admin.createTopics({
      // KafkaJS's own wait gives up on UNKNOWN_TOPIC_OR_PARTITION while a cluster's metadata propagates: poll below.
      waitForLeaders: false,
      timeout: 30_000,
      topics: [{ topic: spec.topic, numPartitions: spec.partitions, replicationFactor: spec.replicationFactor, configEntries }],
    });
    await waitFor(
      async () => {
        // Every broker must know the topic with a leader and a full ISR for each partition.
        for (const broker of brokers) {
          const probe = kafkaClient([broker], "losslab-admin", { retry: { retries: 0 } }).admin();
          await probe.connect();
          try {
            const { topics } = await probe.fetchTopicMetadata({ topics: [spec.topic] });
            const partitions = topics[0]?.partitions ?? [];
            if (partitions.length !== spec.partitions) return false;
            if (!partitions.every((p) => p.leader >= 0 && p.isr.length === spec.replicationFactor)) return false;
          } finally {
            await probe.disconnect();
          }
        }
        return true;
      },
      { what: `leaders of topic ${spec.topic}`, timeoutMs: 30_000, intervalMs: 200 },
    );
  } catch (error) {
    throw new LosslabError("KAFKA_IO", `cannot create topic ${spec.topic}`, { cause: error });
  } finally {
    await admin.disconnect();
  }
}

export interface TopicOffsets {
  /** First offset still in the log (moves forward when retention deletes). */
  low: PartitionOffsets;
  /** Next offset to be written. */
  high: PartitionOffsets;
}

/** Low and high offsets of every partition; retried with fresh metadata while leadership is moving. */
export async function topicOffsets(brokers: string[], topic: string): Promise<TopicOffsets> {
  let lastError: unknown;
  // KafkaJS does not refresh its metadata on NOT_LEADER inside fetchTopicOffsets: retry with a new client.
  for (let attempt = 0; attempt < 20; attempt++) {
    const admin = kafkaClient(brokers, "losslab-admin").admin();
    try {
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets(topic);
      const low: PartitionOffsets = {};
      const high: PartitionOffsets = {};
      for (const partition of offsets) {
        low[partition.partition] = partition.low;
        high[partition.partition] = partition.high;
      }
      return { low, high };
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250 + attempt * 100));
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }
  throw new LosslabError("KAFKA_IO", `cannot read the offsets of ${topic}`, { cause: lastError, retriable: true });
}
