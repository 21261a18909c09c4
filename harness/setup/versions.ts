/** Pinned component versions. Kafka is selectable (LOSSLAB_KAFKA_VERSION or scenario brokers.kafka.version). */
export const DEFAULT_KAFKA_VERSION = "3.9.1";
export const TOXIPROXY_VERSION = "v2.12.0";
export const TOXIPROXY_MODULE = "github.com/Shopify/toxiproxy/v2/cmd/server";

export function kafkaVersion(requested?: string): string {
  return requested ?? process.env.LOSSLAB_KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION;
}

export function kafkaMajor(version: string): number {
  return Number.parseInt(version.split(".")[0] ?? "3", 10);
}
