/**
 * The bridge's configuration, read from the LOSSLAB_* environment of the contract (DESIGN.md) plus the
 * reference bridge's own LOSSLAB_BRIDGE_* settings. External bridges receive the same contract variables.
 */
import { LosslabError } from "../errors.js";

export type BridgeMode = "at-most-once" | "at-least-once";
export type BridgeEncoding = "bytes" | "utf8-reencode";

export interface BridgeConfig {
  mqttUrl: string;
  mqttTopic: string;
  kafkaBrokers: string[];
  kafkaTopic: string;
  clientId: string;
  mode: BridgeMode;
  /** Producer acks: -1 (all), 1 (leader) or 0. */
  acks: -1 | 0 | 1;
  encoding: BridgeEncoding;
  /** false = persistent MQTT session (the default): the broker keeps queued messages while the bridge is away. */
  cleanSession: boolean;
  mqttVersion: 4 | 5;
  /** at-most-once: records per Kafka request. */
  batchSize: number;
  /** at-most-once: how long a batch waits to fill, ms. */
  lingerMs: number;
  /**
   * Where a persistent-session bridge keeps its incoming QoS 2 packets between PUBREC and PUBREL, so that a
   * crash does not lose them; absent = in memory (MQTT.js's default).
   */
  stateDir?: string;
}

/** The contract's environment for a bridge. */
export function bridgeEnvironment(config: BridgeConfig): Record<string, string> {
  return {
    LOSSLAB_MQTT_URL: config.mqttUrl,
    LOSSLAB_MQTT_TOPIC: config.mqttTopic,
    LOSSLAB_KAFKA_BROKERS: config.kafkaBrokers.join(","),
    LOSSLAB_KAFKA_TOPIC: config.kafkaTopic,
    LOSSLAB_CLIENT_ID: config.clientId,
    LOSSLAB_BRIDGE_MODE: config.mode,
    LOSSLAB_BRIDGE_ACKS: String(config.acks),
    LOSSLAB_BRIDGE_ENCODING: config.encoding,
    LOSSLAB_BRIDGE_CLEAN_SESSION: String(config.cleanSession),
    LOSSLAB_MQTT_VERSION: String(config.mqttVersion),
    LOSSLAB_BRIDGE_BATCH_SIZE: String(config.batchSize),
    LOSSLAB_BRIDGE_LINGER_MS: String(config.lingerMs),
    ...(config.stateDir ? { LOSSLAB_BRIDGE_STATE_DIR: config.stateDir } : {}),
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new LosslabError("USAGE", `bridge: ${name} is not set`);
  return value;
}

function oneOf<T extends string | number>(name: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) throw new LosslabError("USAGE", `bridge: ${name}=${value} is not one of ${allowed.join(", ")}`);
  return value;
}

export function bridgeConfigFromEnv(env: NodeJS.ProcessEnv = process.env): BridgeConfig {
  return {
    mqttUrl: required(env, "LOSSLAB_MQTT_URL"),
    mqttTopic: required(env, "LOSSLAB_MQTT_TOPIC"),
    kafkaBrokers: required(env, "LOSSLAB_KAFKA_BROKERS").split(",").map((broker) => broker.trim()).filter(Boolean),
    kafkaTopic: required(env, "LOSSLAB_KAFKA_TOPIC"),
    clientId: env.LOSSLAB_CLIENT_ID || "losslab-bridge",
    mode: oneOf("LOSSLAB_BRIDGE_MODE", (env.LOSSLAB_BRIDGE_MODE ?? "at-least-once") as BridgeMode, ["at-most-once", "at-least-once"]),
    acks: oneOf("LOSSLAB_BRIDGE_ACKS", Number(env.LOSSLAB_BRIDGE_ACKS ?? -1) as -1 | 0 | 1, [-1, 0, 1]),
    encoding: oneOf("LOSSLAB_BRIDGE_ENCODING", (env.LOSSLAB_BRIDGE_ENCODING ?? "bytes") as BridgeEncoding, ["bytes", "utf8-reencode"]),
    cleanSession: (env.LOSSLAB_BRIDGE_CLEAN_SESSION ?? "false") === "true",
    mqttVersion: oneOf("LOSSLAB_MQTT_VERSION", Number(env.LOSSLAB_MQTT_VERSION ?? 4) as 4 | 5, [4, 5]),
    batchSize: Number(env.LOSSLAB_BRIDGE_BATCH_SIZE ?? 500),
    lingerMs: Number(env.LOSSLAB_BRIDGE_LINGER_MS ?? 5),
    stateDir: env.LOSSLAB_BRIDGE_STATE_DIR || undefined,
  };
}
