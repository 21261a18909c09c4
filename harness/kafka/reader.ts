/**
 * Reads the run's topic back on the DIRECT listener (never through a proxy), from the offsets recorded at run
 * start, until the pipeline has settled: everything up to the high watermark consumed and no new record for
 * `quietPeriodMs`, bounded by `maxWaitMs`.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { randomUUID } from "node:crypto";
import { LosslabError } from "../errors.js";
import { kafkaClient } from "./client.js";
import { topicOffsets, type PartitionOffsets, type TopicOffsets } from "./topic.js";

export interface KafkaRecord {
  partition: number;
  offset: string;
  timestampMs: number;
  value: Buffer | null;
}

export interface ReadOptions {
  brokers: string[];
  topic: string;
  startOffsets: PartitionOffsets;
  quietPeriodMs: number;
  maxWaitMs: number;
  onRecord: (record: KafkaRecord) => void;
}

export interface ReadSummary {
  records: number;
  /** Offsets at the end of the read. */
  offsets: TopicOffsets;
  /** True when maxWait ran out before the topic was quiet. */
  timedOut: boolean;
  durationMs: number;
}

export async function readUntilQuiet(options: ReadOptions): Promise<ReadSummary> {
  const started = Date.now();
  // Generous retries: right after a heal the group coordinator may still be moving to a live broker.
  const kafka = kafkaClient(options.brokers, "losslab-checker", { retry: { retries: 15, initialRetryTime: 200, maxRetryTime: 2_000 } });
  const consumer = kafka.consumer({
    groupId: `losslab-checker-${randomUUID()}`,
    sessionTimeout: 30_000,
    maxWaitTimeInMs: 100,
    maxBytes: 16 * 1024 * 1024,
    maxBytesPerPartition: 8 * 1024 * 1024,
  });
  const position = new Map<number, bigint>();
  let records = 0;
  let lastRecordAt = Date.now();
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        const start = BigInt(options.startOffsets[batch.partition] ?? "0");
        for (const message of batch.messages) {
          // Reading from the beginning and skipping what precedes the run's start offsets avoids seek(), which
          // KafkaJS refuses until the consumer group has formed.
          if (BigInt(message.offset) < start) continue;
          options.onRecord({
            partition: batch.partition,
            offset: message.offset,
            timestampMs: Number(message.timestamp),
            value: message.value,
          });
          records++;
          position.set(batch.partition, BigInt(message.offset) + 1n);
        }
        if (batch.messages.length > 0) lastRecordAt = Date.now();
      },
    });
    let offsets = await topicOffsets(options.brokers, options.topic);
    for (;;) {
      await sleep(200);
      offsets = await topicOffsets(options.brokers, options.topic);
      const caughtUp = Object.entries(offsets.high).every(([partition, high]) => {
        const low = BigInt(offsets.low[Number(partition)] ?? "0");
        const consumed = position.get(Number(partition)) ?? BigInt(options.startOffsets[Number(partition)] ?? "0");
        // Records deleted by retention cannot be read: being at or past the log start counts as caught up.
        return consumed >= BigInt(high) || (BigInt(high) === low && consumed <= low);
      });
      const quiet = Date.now() - lastRecordAt >= options.quietPeriodMs;
      if (caughtUp && quiet) return { records, offsets, timedOut: false, durationMs: Date.now() - started };
      if (Date.now() - started >= options.maxWaitMs) return { records, offsets, timedOut: true, durationMs: Date.now() - started };
    }
  } catch (error) {
    throw new LosslabError("KAFKA_IO", `reading ${options.topic} on ${options.brokers.join(",")} failed`, { cause: error });
  } finally {
    await consumer.disconnect().catch(() => {});
  }
}
