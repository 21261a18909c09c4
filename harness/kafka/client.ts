/**
 * KafkaJS clients for losslab's own use (checker, readiness, admin). KafkaJS 2.2.4 is chosen for its small,
 * dependency-free, promise API that works with Kafka 3.x; its own logging is silenced unless LOSSLAB_DEBUG is set.
 */
import { Kafka, logLevel, type KafkaConfig } from "kafkajs";

export function kafkaClient(brokers: string[], clientId: string, extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: process.env.LOSSLAB_DEBUG ? logLevel.INFO : logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
    ...extra,
  });
}

/** Number of live brokers the cluster reports through `brokers` (throws when unreachable). */
export async function liveBrokerCount(brokers: string[]): Promise<number> {
  const admin = kafkaClient(brokers, "losslab-probe", { retry: { retries: 0 } }).admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    return cluster.brokers.length;
  } finally {
    await admin.disconnect();
  }
}
