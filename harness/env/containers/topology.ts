/**
 * The containers topology's fixed parts, shared by the containers runtime and docker-compose.test.yml
 * (whose config files are rendered from here and checked in tests): ports inside the network, where configs
 * go in a container, and the configs themselves.
 */
import type { MosquittoOptions } from "../environment.js";
import { renderMosquittoConfig } from "../mosquitto-config.js";
import { renderKafkaConfig } from "../kafka-config.js";

export const MOSQUITTO_PORT = 1883;
export const TOXIPROXY_API = 8474;
export const MQTT_PUB_PROXY = 8666;
export const MQTT_BRIDGE_PROXY = 8667;
export const KAFKA_PROXY_BASE = 8670;
export const KAFKA_INTERNAL = 9092;
export const KAFKA_PROXIED = 9093;
export const KAFKA_CONTROLLER = 9094;
/** Where the runtime copies configs into every container. */
export const CONFIG_DIR = "/losslab";
/** Where the reference bridge's package is mounted read-only in the bridge container. */
export const BRIDGE_PACKAGE_DIR = "/opt/losslab";


/** Kafka's data inside its container (writable by the official image's non-root user). */
export const KAFKA_DATA_DIR = "/tmp/losslab-kafka/data";

/** Kafka's start command: format the storage once (the container keeps it across restarts), then run the broker. */
export const KAFKA_START_SCRIPT = `#!/bin/sh
set -e
JAVA=java
if [ -n "$JAVA_HOME" ] && [ -x "$JAVA_HOME/bin/java" ]; then JAVA="$JAVA_HOME/bin/java"; fi
CP='/opt/kafka/libs/*'
if ls /opt/kafka/libs/log4j-core-*.jar >/dev/null 2>&1; then
  LOGGING="-Dlog4j2.configurationFile=${CONFIG_DIR}/log4j2.properties"
else
  LOGGING="-Dlog4j.configuration=file:${CONFIG_DIR}/log4j.properties"
fi
"$JAVA" $LOGGING -cp "$CP" kafka.tools.StorageTool format -t "$LOSSLAB_CLUSTER_ID" -c ${CONFIG_DIR}/server.properties --ignore-formatted
exec "$JAVA" -Xms256m -Xmx"$LOSSLAB_HEAP_MB"m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true $LOGGING -cp "$CP" kafka.Kafka ${CONFIG_DIR}/server.properties
`;


export function mosquittoContainerConfig(options: Partial<MosquittoOptions>): string {
  return renderMosquittoConfig({
    persistence: false,
    ...options,
    port: MOSQUITTO_PORT,
    bindAddress: "0.0.0.0",
    persistenceDir: `${CONFIG_DIR}/data/`,
    runAsRoot: true,
  });
}

export interface KafkaContainerNode {
  nodeId: number;
  /** Network alias: "kafka" or "kafka-N". */
  alias: string;
  /** DIRECT port, the same inside the container and on the host (it is advertised as 127.0.0.1:direct). */
  direct: number;
  /** Port of this node's kafka-bridge proxy in the toxiproxy container. */
  proxyPort: number;
}

export function kafkaContainerConfig(node: KafkaContainerNode, cluster: { voters: string[]; size: number; minInsyncReplicas?: number; autoCreateTopics?: boolean }): string {
  const config = renderKafkaConfig({
    nodeId: node.nodeId,
    voters: cluster.voters,
    bindAddress: "0.0.0.0",
    directPort: node.direct,
    directAdvertised: `127.0.0.1:${node.direct}`,
    proxiedPort: KAFKA_PROXIED,
    proxiedAdvertised: `toxiproxy:${node.proxyPort}`,
    controllerPort: KAFKA_CONTROLLER,
    internal: { port: KAFKA_INTERNAL, advertised: `${node.alias}:${KAFKA_INTERNAL}` },
    logDir: KAFKA_DATA_DIR,
    clusterSize: cluster.size,
    minInsyncReplicas: cluster.minInsyncReplicas,
  });
  return cluster.autoCreateTopics ? config.replace("auto.create.topics.enable=false", "auto.create.topics.enable=true") : config;
}

export function kafkaVoters(nodes: KafkaContainerNode[]): string[] {
  return nodes.map((node) => `${node.nodeId}@${node.alias}:${KAFKA_CONTROLLER}`);
}
