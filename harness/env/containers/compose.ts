/**
 * The config files docker-compose.test.yml mounts, rendered from the same code as the containers runtime
 * (test/unit/compose.test.ts fails when the files under compose/ drift from it; LOSSLAB_UPDATE_COMPOSE=1 rewrites them).
 * Host ports are fixed there (compose has no free-port picking): 127.0.0.1:11883 Mosquitto direct,
 * 127.0.0.1:18666 MQTT through mqtt-pub, 127.0.0.1:19092 Kafka DIRECT, 127.0.0.1:18474 Toxiproxy's API.
 */
import { LOG4J2_PROPERTIES, LOG4J_PROPERTIES } from "../kafka-config.js";
import {
  KAFKA_PROXIED,
  KAFKA_PROXY_BASE,
  KAFKA_START_SCRIPT,
  MOSQUITTO_PORT,
  MQTT_BRIDGE_PROXY,
  MQTT_PUB_PROXY,
  kafkaContainerConfig,
  kafkaVoters,
  mosquittoContainerConfig,
  type KafkaContainerNode,
} from "./topology.js";

export const COMPOSE_HOST_PORTS = { mosquitto: 11883, mqttPub: 18666, kafkaDirect: 19092, toxiproxyApi: 18474 } as const;

/** Path under compose/ → content. */
export function composeFiles(): Record<string, string> {
  const node: KafkaContainerNode = { nodeId: 1, alias: "kafka", direct: COMPOSE_HOST_PORTS.kafkaDirect, proxyPort: KAFKA_PROXY_BASE };
  const proxies = [
    { name: "mqtt-pub", listen: `0.0.0.0:${MQTT_PUB_PROXY}`, upstream: `mosquitto:${MOSQUITTO_PORT}`, enabled: true },
    { name: "mqtt-bridge", listen: `0.0.0.0:${MQTT_BRIDGE_PROXY}`, upstream: `mosquitto:${MOSQUITTO_PORT}`, enabled: true },
    { name: "kafka-bridge", listen: `0.0.0.0:${KAFKA_PROXY_BASE}`, upstream: `kafka:${KAFKA_PROXIED}`, enabled: true },
  ];
  return {
    "mosquitto.conf": mosquittoContainerConfig({}),
    // By hand there is no harness to create topics: let the bridge's first write create it.
    "kafka/server.properties": kafkaContainerConfig(node, { voters: kafkaVoters([node]), size: 1, autoCreateTopics: true }),
    "kafka/start-kafka.sh": KAFKA_START_SCRIPT,
    "kafka/log4j.properties": LOG4J_PROPERTIES,
    "kafka/log4j2.properties": LOG4J2_PROPERTIES,
    "toxiproxy.json": JSON.stringify(proxies, null, 2) + "\n",
  };
}
