/**
 * The containers runtime: the same topology as the native one, each service in its own container on a
 * network made for the run, created and started with testcontainers; process faults go through the engine
 * (kill -9, docker stop, docker pause, docker start of the same container).
 *
 *   host (publishers, checker)                       network losslab-<id>
 *     mqtt-pub    127.0.0.1:P ──▶ toxiproxy:8666 ──▶ mosquitto:1883
 *     checker     127.0.0.1:D ──────────────────────▶ kafka:D        (DIRECT, advertised 127.0.0.1:D)
 *   bridge container
 *     mqtt-bridge toxiproxy:8667 ──▶ mosquitto:1883
 *     kafka-bridge toxiproxy:8670 ──▶ kafka:9093                     (PROXIED, advertised toxiproxy:8670)
 *   brokers between themselves: kafka-N:9092 (INTERNAL), controllers kafka-N:9094
 *
 * Every published port is bound to 127.0.0.1 and fixed (chosen free on the host), so a restarted container
 * comes back on the same address. Endpoints of the bridge are as the bridge container sees them.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type Dockerode from "dockerode";
import { GenericContainer, getContainerRuntimeClient, type PortWithOptionalBinding, type WaitStrategy } from "testcontainers";
import { LosslabError } from "../../errors.js";
import { packageRoot } from "../../paths.js";
import { liveBrokerCount } from "../../kafka/client.js";
import { configureReaper } from "../../setup/docker.js";
import { missingImages, resolveImages, type ContainerImages } from "../../setup/images.js";
import { TOXIPROXY_VERSION } from "../../setup/versions.js";
import type { BridgeProcessSpec, Endpoints, EnvironmentOptions, ServiceControl, ServiceName } from "../environment.js";
import { freePorts } from "../ports.js";
import { ToxiproxyClient } from "../toxiproxy.js";
import { BaseEnvironment } from "../base-environment.js";
import { LOG4J2_PROPERTIES, LOG4J_PROPERTIES } from "../kafka-config.js";
import { mqttAnswers } from "../native/environment.js";
import { ContainerService } from "./service.js";
import {
  BRIDGE_PACKAGE_DIR,
  CONFIG_DIR,
  KAFKA_PROXIED,
  KAFKA_PROXY_BASE,
  KAFKA_START_SCRIPT,
  MOSQUITTO_PORT,
  MQTT_BRIDGE_PROXY,
  MQTT_PUB_PROXY,
  TOXIPROXY_API,
  kafkaContainerConfig,
  kafkaVoters,
  mosquittoContainerConfig,
} from "./topology.js";
import { forgetContainer, forgetNetwork, LABEL_ENV, LABEL_OWNER, ownerLabel, rememberContainer, rememberNetwork, sweepStaleContainers } from "./cleanup.js";

const HOST = "127.0.0.1";
const DEFAULT_START_TIMEOUT_MS = 120_000;
/** Readiness is losslab's own probe (MQTT CONNACK, Kafka metadata), run after start: testcontainers waits for nothing. */
class StartedAtOnce implements WaitStrategy {
  async waitUntilReady(): Promise<void> {}
  withStartupTimeout(): WaitStrategy {
    return this;
  }
  isStartupTimeoutSet(): boolean {
    return false;
  }
  getStartupTimeout(): number {
    return 0;
  }
}

/** GenericContainer whose published ports bind to 127.0.0.1 only, whatever the engine's default. */
class LoopbackContainer extends GenericContainer {
  override withExposedPorts(...ports: PortWithOptionalBinding[]): this {
    super.withExposedPorts(...ports);
    for (const bindings of Object.values(this.hostConfig.PortBindings ?? {}) as Array<Array<{ HostIp?: string }>>) {
      for (const binding of bindings) binding.HostIp = HOST;
    }
    return this;
  }
}

interface KafkaNode {
  nodeId: number;
  service: ServiceName;
  alias: string;
  /** DIRECT port: the same number inside the container and on the host. */
  direct: number;
  proxyPort: number;
  proxyName: string;
}

export class ContainersEnvironment extends BaseEnvironment<ContainerService> {
  readonly runtime = "containers" as const;
  private readonly containers: ContainerService[] = [];
  private toxiproxyContainer: ContainerService | undefined;
  private networkId: string | undefined;

  private constructor(
    readonly id: string,
    endpoints: Endpoints,
    toxiproxy: ToxiproxyClient,
    readonly images: ContainerImages,
    private readonly docker: Dockerode,
    private readonly ports: { mosquitto: number; mqttPub: number; toxiproxy: number },
    private readonly kafkaNodes: KafkaNode[],
    private readonly options: EnvironmentOptions,
  ) {
    super(endpoints, toxiproxy, kafkaNodes);
  }

  static async start(options: EnvironmentOptions): Promise<ContainersEnvironment> {
    const log = options.log ?? (() => {});
    const client = await getContainerRuntimeClient().catch((error: unknown) => {
      throw new LosslabError("PREREQUISITE_MISSING", "the containers runtime needs a Docker engine: none answers (start dockerd, or set DOCKER_HOST)", { cause: error });
    });
    const docker = client.container.dockerode;
    await configureReaper();
    const swept = await sweepStaleContainers(docker);
    if (swept.length > 0) log(`removed containers of a dead losslab run: ${swept.join(", ")}`);
    const brokers = options.kafka?.brokers ?? 1;
    if (brokers !== 1 && brokers !== 3) throw new LosslabError("USAGE", `kafka.brokers must be 1 or 3, not ${brokers}`);
    const images = resolveImages(options.images, options.kafka?.version);
    const missing = await missingImages(images);
    if (missing.length > 0) {
      throw new LosslabError("PREREQUISITE_MISSING", `images not present in the Docker engine: ${missing.join(", ")}`, {
        details: [
          "losslab never pulls during a run: `docker pull` them, point LOSSLAB_MOSQUITTO_IMAGE / LOSSLAB_KAFKA_IMAGE /",
          "LOSSLAB_TOXIPROXY_IMAGE / LOSSLAB_BRIDGE_IMAGE at images you have, or build local ones with `losslab images build`",
          "and set LOSSLAB_IMAGES=local.",
        ],
      });
    }
    const id = randomBytes(4).toString("hex");
    const [mosquittoPort, mqttPubPort, toxiproxyPort, ...directPorts] = await freePorts(3 + brokers);
    const kafkaNodes: KafkaNode[] = Array.from({ length: brokers }, (_, index) => ({
      nodeId: index + 1,
      service: brokers === 1 ? "kafka" : (`kafka-${index + 1}` as ServiceName),
      alias: brokers === 1 ? "kafka" : `kafka-${index + 1}`,
      direct: directPorts[index]!,
      proxyPort: KAFKA_PROXY_BASE + index,
      proxyName: index === 0 ? "kafka-bridge" : `kafka-bridge-${index + 1}`,
    }));
    const endpoints: Endpoints = {
      mqtt: {
        direct: `mqtt://${HOST}:${mosquittoPort}`,
        publish: `mqtt://${HOST}:${mqttPubPort}`,
        bridge: `mqtt://toxiproxy:${MQTT_BRIDGE_PROXY}`,
      },
      kafka: {
        direct: kafkaNodes.map((node) => `${HOST}:${node.direct}`),
        bridge: kafkaNodes.map((node) => `toxiproxy:${node.proxyPort}`),
      },
      toxiproxy: `http://${HOST}:${toxiproxyPort}`,
    };
    mkdirSync(options.workDir, { recursive: true });
    const env = new ContainersEnvironment(
      id,
      endpoints,
      new ToxiproxyClient(endpoints.toxiproxy),
      images,
      docker,
      { mosquitto: mosquittoPort!, mqttPub: mqttPubPort!, toxiproxy: toxiproxyPort! },
      kafkaNodes,
      options,
    );
    try {
      const started = Date.now();
      await env.createNetwork();
      await env.startToxiproxy();
      await Promise.all([env.startMosquitto(), env.startKafka()]);
      log(`environment ready in ${((Date.now() - started) / 1000).toFixed(1)} s (containers, network ${env.networkName})`);
      return env;
    } catch (error) {
      await env.dispose();
      throw error;
    }
  }

  get networkName(): string {
    return `losslab-${this.id}`;
  }

  private timeout(): number {
    return this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  }

  private labels(service: string): Record<string, string> {
    return { [LABEL_ENV]: this.id, [LABEL_OWNER]: ownerLabel(), "dev.losslab.service": service };
  }

  private async createNetwork(): Promise<void> {
    const network = await this.docker.createNetwork({ Name: this.networkName, Driver: "bridge", CheckDuplicate: true, Labels: this.labels("network") });
    this.networkId = network.id;
    rememberNetwork(network.id);
  }

  /** Creates and starts one container; the service is registered before start so dispose() finds it whatever happens. */
  private async startContainer(
    service: string,
    container: GenericContainer,
    control: Omit<ConstructorParameters<typeof ContainerService>[0], "docker" | "containerId" | "logFile" | "name"> & { name: ServiceName | "toxiproxy" },
  ): Promise<ContainerService> {
    const name = `${this.networkName}-${service}`;
    container.withName(name).withLabels(this.labels(service)).withNetworkMode(this.networkName).withNetworkAliases(service).withWaitStrategy(new StartedAtOnce());
    let started;
    try {
      started = await container.start();
    } catch (error) {
      // A container created but not started still exists: find it by name so dispose() removes it.
      const leftover = await this.docker.getContainer(name).inspect().catch(() => undefined);
      if (leftover) await this.docker.getContainer(leftover.Id).remove({ force: true }).catch(() => {});
      throw new LosslabError("SERVICE_START_FAILED", `${service}: the container did not start`, { cause: error });
    }
    rememberContainer(started.getId());
    const handle = new ContainerService({
      ...control,
      name: control.name as ServiceName,
      docker: this.docker,
      containerId: started.getId(),
      logFile: join(this.options.workDir, `${service}.log`),
    });
    this.containers.push(handle);
    await handle.adopt();
    await handle.waitReady();
    return handle;
  }

  private async startToxiproxy(): Promise<void> {
    const container = new LoopbackContainer(this.images.toxiproxy)
      .withEntrypoint(["/toxiproxy"])
      .withCommand(["-host", "0.0.0.0", "-port", String(TOXIPROXY_API)])
      .withExposedPorts({ container: TOXIPROXY_API, host: this.ports.toxiproxy }, { container: MQTT_PUB_PROXY, host: this.ports.mqttPub });
    this.toxiproxyContainer = await this.startContainer("toxiproxy", container, {
      name: "toxiproxy",
      ready: async () => (await this.toxiproxy.version()).length > 0,
      readyTimeoutMs: 30_000,
      stopGraceMs: 5_000,
    });
    const reported = await this.toxiproxy.version();
    this.versions.toxiproxy = reported === "git" ? TOXIPROXY_VERSION : reported;
    await this.toxiproxy.createProxy({ name: "mqtt-pub", listen: `0.0.0.0:${MQTT_PUB_PROXY}`, upstream: `mosquitto:${MOSQUITTO_PORT}` });
    await this.toxiproxy.createProxy({ name: "mqtt-bridge", listen: `0.0.0.0:${MQTT_BRIDGE_PROXY}`, upstream: `mosquitto:${MOSQUITTO_PORT}` });
    for (const node of this.kafkaNodes) {
      await this.toxiproxy.createProxy({ name: node.proxyName, listen: `0.0.0.0:${node.proxyPort}`, upstream: `${node.alias}:${KAFKA_PROXIED}` });
    }
  }

  private async startMosquitto(): Promise<void> {
    const config = mosquittoContainerConfig(this.options.mosquitto ?? {});
    const container = new LoopbackContainer(this.images.mosquitto)
      .withEntrypoint(["mosquitto"])
      .withCommand(["-c", `${CONFIG_DIR}/mosquitto.conf`])
      .withUser("root")
      .withCopyContentToContainer([
        { content: config, target: `${CONFIG_DIR}/mosquitto.conf` },
        { content: "", target: `${CONFIG_DIR}/data/.keep` },
      ])
      .withExposedPorts({ container: MOSQUITTO_PORT, host: this.ports.mosquitto });
    const service = await this.startContainer("mosquitto", container, {
      name: "mosquitto",
      ready: () => mqttAnswers(this.endpoints.mqtt.direct),
      readyTimeoutMs: 30_000,
      stopGraceMs: 10_000,
    });
    this.services.set("mosquitto", service);
    this.versions.mosquitto = /version (\S+)/.exec(await service.exec(["mosquitto", "-h"]))?.[1] ?? "unknown";
  }

  private async startKafka(): Promise<void> {
    const clusterId = randomBytes(16).toString("base64url").slice(0, 22);
    const voters = kafkaVoters(this.kafkaNodes);
    const heapMb = this.options.kafka?.heapMb ?? (this.kafkaNodes.length > 1 ? 512 : 768);
    // Controllers need a quorum: every node is started before any is waited on.
    await Promise.all(
      this.kafkaNodes.map(async (node) => {
        const config = kafkaContainerConfig(node, { voters, size: this.kafkaNodes.length, minInsyncReplicas: this.options.kafka?.minInsyncReplicas });
        const container = new LoopbackContainer(this.images.kafka)
          .withEntrypoint(["/bin/sh", `${CONFIG_DIR}/start-kafka.sh`])
          .withCommand([])
          .withEnvironment({ LOSSLAB_CLUSTER_ID: clusterId, LOSSLAB_HEAP_MB: String(heapMb) })
          .withCopyContentToContainer([
            { content: config, target: `${CONFIG_DIR}/server.properties` },
            { content: KAFKA_START_SCRIPT, target: `${CONFIG_DIR}/start-kafka.sh`, mode: 0o755 },
            { content: LOG4J_PROPERTIES, target: `${CONFIG_DIR}/log4j.properties` },
            { content: LOG4J2_PROPERTIES, target: `${CONFIG_DIR}/log4j2.properties` },
          ])
          .withExposedPorts({ container: node.direct, host: node.direct });
        const service = await this.startContainer(node.alias, container, {
          name: node.service,
          ready: async () => (await liveBrokerCount([`${HOST}:${node.direct}`])) >= 1,
          readyTimeoutMs: this.timeout(),
          stopGraceMs: 20_000,
        });
        this.services.set(node.service, service);
      }),
    );
    this.versions.kafka = await this.kafkaVersionOf(this.kafkaNodes[0]!.service);
    await this.waitForWholeCluster(this.timeout());
  }

  /** The Kafka version is the image's: read it from the kafka_2.13 jar's name. */
  private async kafkaVersionOf(service: ServiceName): Promise<string> {
    const output = await this.services.get(service)?.exec(["/bin/sh", "-c", "ls /opt/kafka/libs"]);
    return /kafka_2\.1[23]-([0-9][^\s]*?)\.jar/.exec(output ?? "")?.[1] ?? "unknown";
  }

  /** Container id of a service (tests and diagnostics). */
  containerIdOf(name: ServiceName | "toxiproxy"): string | undefined {
    if (name === "toxiproxy") return this.toxiproxyContainer?.containerId;
    if (name === "bridge") return this.bridgeService?.containerId;
    return this.services.get(name)?.containerId;
  }

  /**
   * The bridge container: the reference bridge runs from this package mounted read-only in the bridge image;
   * an external image runs with its own entrypoint; an external command runs inside the bridge image.
   */
  async startBridge(spec: BridgeProcessSpec): Promise<ServiceControl> {
    if (this.bridgeService) {
      const previous = this.bridgeService;
      this.bridgeService = undefined;
      await previous.remove();
      forgetContainer(previous.containerId);
    }
    const image = spec.image ?? this.images.bridge;
    const container = new LoopbackContainer(image).withEnvironment(spec.env);
    if (spec.image) {
      // An external bridge image: its own entrypoint and command.
    } else if (spec.reference) {
      container
        .withBindMounts([{ source: packageRoot(), target: BRIDGE_PACKAGE_DIR, mode: "ro" }])
        .withEntrypoint(["node", `${BRIDGE_PACKAGE_DIR}/dist/harness/cli.js`, "bridge"])
        .withCommand([]);
    } else {
      const [command, ...args] = spec.command;
      if (!command) throw new LosslabError("USAGE", "bridge command is empty");
      container.withEntrypoint([command]).withCommand(args);
    }
    const pattern = spec.readyPattern;
    this.bridgeService = await this.startContainer("bridge", container, {
      name: "bridge",
      // The reference bridge prints a ready line; an external bridge is ready once it has stayed up briefly.
      ready: async (self) => {
        if (pattern) return self.lastLines(200).some((line) => pattern.test(line));
        await new Promise((resolve) => setTimeout(resolve, 500));
        return true;
      },
      readyTimeoutMs: 60_000,
      stopGraceMs: 10_000,
    });
    return this.bridgeService;
  }

  protected async release(): Promise<void> {
    await Promise.allSettled(
      this.containers.map(async (container) => {
        await container.remove();
        forgetContainer(container.containerId);
      }),
    );
    // Containers that were created but never registered (a failed start) carry the env label.
    const stragglers = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL_ENV}=${this.id}`] } }).catch(() => []);
    await Promise.allSettled(stragglers.map((info) => this.docker.getContainer(info.Id).remove({ force: true, v: true })));
    if (this.networkId) {
      await this.docker.getNetwork(this.networkId).remove().catch(() => {});
      forgetNetwork(this.networkId);
    }
  }
}

export function startContainersEnvironment(options: EnvironmentOptions): Promise<ContainersEnvironment> {
  return ContainersEnvironment.start(options);
}
