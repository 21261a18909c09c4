/**
 * The native runtime: Mosquitto, a KRaft Kafka (1 or 3 nodes) and Toxiproxy as local processes on 127.0.0.1,
 * free ports chosen at run time, configs and data under the environment's work dir.
 */
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import mqtt from "mqtt";
import { LosslabError } from "../../errors.js";
import { setup, type ComponentPaths } from "../../setup/install.js";
import { kafkaMajor, TOXIPROXY_VERSION } from "../../setup/versions.js";
import { exec } from "../../setup/exec.js";
import { liveBrokerCount } from "../../kafka/client.js";
import type {
  BridgeProcessSpec,
  Endpoints,
  EnvironmentOptions,
  KafkaOptions,
  MosquittoOptions,
  ServiceControl,
  ServiceName,
} from "../environment.js";
import { freePorts } from "../ports.js";
import { ToxiproxyClient } from "../toxiproxy.js";
import { BaseEnvironment } from "../base-environment.js";
import { waitFor } from "../wait.js";
import { renderMosquittoConfig } from "../mosquitto-config.js";
import { LOG4J2_PROPERTIES, LOG4J_PROPERTIES, renderKafkaConfig } from "../kafka-config.js";
import { NativeService } from "./service.js";
import { ManagedProcess } from "./process.js";
import { sweepStaleProcesses } from "./registry.js";

const HOST = "127.0.0.1";
const DEFAULT_START_TIMEOUT_MS = 90_000;

interface KafkaNodePorts {
  nodeId: number;
  service: ServiceName;
  direct: number;
  proxied: number;
  controller: number;
  proxy: number;
  proxyName: string;
}

/** Checks an MQTT CONNECT/CONNACK round trip (a TCP accept is not enough: a paused broker accepts). */
export async function mqttAnswers(url: string, timeoutMs = 2_000): Promise<boolean> {
  const client = mqtt.connect(url, { connectTimeout: timeoutMs, reconnectPeriod: 0, clientId: `losslab-probe-${process.pid}-${Date.now()}` });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once("connect", () => resolve());
      client.once("error", reject);
      client.once("close", () => reject(new Error("connection closed")));
      setTimeout(() => reject(new Error(`no CONNACK within ${timeoutMs} ms`)), timeoutMs).unref();
    });
    return true;
  } finally {
    client.end(true);
  }
}

export class NativeEnvironment extends BaseEnvironment<NativeService> {
  readonly runtime = "native" as const;
  private toxiproxyProcess: ManagedProcess | undefined;

  private constructor(
    endpoints: Endpoints,
    toxiproxy: ToxiproxyClient,
    private readonly kafkaNodes: KafkaNodePorts[],
    private readonly options: EnvironmentOptions,
  ) {
    super(endpoints, toxiproxy, kafkaNodes);
  }

  /** Starts the whole topology; on any failure, stops what was started and rethrows. */
  static async start(options: EnvironmentOptions): Promise<NativeEnvironment> {
    const log = options.log ?? (() => {});
    const swept = sweepStaleProcesses();
    if (swept.length > 0) log(`swept processes of a dead losslab run: ${swept.join(", ")}`);
    const components = await setup({ kafkaVersion: options.kafka?.version, log });
    const brokers = options.kafka?.brokers ?? 1;
    if (brokers !== 1 && brokers !== 3) {
      throw new LosslabError("USAGE", `kafka.brokers must be 1 or 3, not ${brokers}`);
    }
    const ports = await freePorts(4 + brokers * 4);
    const take = (): number => {
      const port = ports.shift();
      if (port === undefined) throw new Error("port pool exhausted");
      return port;
    };
    const toxiproxyPort = take();
    const mosquittoPort = take();
    const mqttPubProxy = take();
    const mqttBridgeProxy = take();
    const kafkaNodes: KafkaNodePorts[] = Array.from({ length: brokers }, (_, index) => ({
      nodeId: index + 1,
      service: brokers === 1 ? "kafka" : (`kafka-${index + 1}` as ServiceName),
      direct: take(),
      proxied: take(),
      controller: take(),
      proxy: take(),
      proxyName: index === 0 ? "kafka-bridge" : `kafka-bridge-${index + 1}`,
    }));
    const endpoints: Endpoints = {
      mqtt: {
        direct: `mqtt://${HOST}:${mosquittoPort}`,
        publish: `mqtt://${HOST}:${mqttPubProxy}`,
        bridge: `mqtt://${HOST}:${mqttBridgeProxy}`,
      },
      kafka: {
        direct: kafkaNodes.map((node) => `${HOST}:${node.direct}`),
        bridge: kafkaNodes.map((node) => `${HOST}:${node.proxy}`),
      },
      toxiproxy: `http://${HOST}:${toxiproxyPort}`,
    };
    mkdirSync(options.workDir, { recursive: true });
    const env = new NativeEnvironment(endpoints, new ToxiproxyClient(endpoints.toxiproxy), kafkaNodes, options);
    try {
      const started = Date.now();
      await env.startToxiproxy(components, toxiproxyPort, mosquittoPort);
      await Promise.all([env.startMosquitto(components, mosquittoPort), env.startKafka(components)]);
      log(`environment ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return env;
    } catch (error) {
      await env.dispose();
      throw error;
    }
  }

  private timeout(): number {
    return this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  }

  private async startToxiproxy(components: ComponentPaths, apiPort: number, mosquittoPort: number): Promise<void> {
    const logFile = join(this.options.workDir, "toxiproxy.log");
    const proc = new ManagedProcess({
      name: "toxiproxy",
      command: components.toxiproxy,
      args: ["-host", HOST, "-port", String(apiPort)],
      logFile,
    });
    this.toxiproxyProcess = proc;
    proc.start();
    const reported = await waitFor(() => this.toxiproxy.version(), {
      what: "toxiproxy to answer on its API",
      timeoutMs: 20_000,
      details: () => proc.lastLines(),
    });
    // `go install` builds report "git" as their version: name the pinned tag instead.
    this.versions.toxiproxy = reported === "git" ? TOXIPROXY_VERSION : reported;
    const port = (url: string): string => url.replace("mqtt://", "");
    await this.toxiproxy.createProxy({ name: "mqtt-pub", listen: port(this.endpoints.mqtt.publish), upstream: `${HOST}:${mosquittoPort}` });
    await this.toxiproxy.createProxy({ name: "mqtt-bridge", listen: port(this.endpoints.mqtt.bridge), upstream: `${HOST}:${mosquittoPort}` });
    for (const node of this.kafkaNodes) {
      await this.toxiproxy.createProxy({ name: node.proxyName, listen: `${HOST}:${node.proxy}`, upstream: `${HOST}:${node.proxied}` });
    }
  }

  private async startMosquitto(components: ComponentPaths, port: number): Promise<void> {
    const dir = join(this.options.workDir, "mosquitto");
    const dataDir = join(dir, "data");
    mkdirSync(dataDir, { recursive: true });
    const settings: MosquittoOptions = { persistence: false, ...this.options.mosquitto };
    const configFile = join(dir, "mosquitto.conf");
    writeFileSync(
      configFile,
      renderMosquittoConfig({ ...settings, port, bindAddress: HOST, persistenceDir: dataDir, runAsRoot: process.getuid?.() === 0 }),
    );
    const version = await exec(components.mosquitto, ["-h"]);
    this.versions.mosquitto = /version (\S+)/.exec(version.stdout + version.stderr)?.[1] ?? "unknown";
    const service = new NativeService({
      name: "mosquitto",
      processOptions: () => ({ name: "mosquitto", command: components.mosquitto, args: ["-c", configFile], logFile: join(dir, "mosquitto.log") }),
      ready: () => mqttAnswers(this.endpoints.mqtt.direct),
      readyTimeoutMs: 20_000,
      stopGraceMs: 10_000,
    });
    this.services.set("mosquitto", service);
    await service.start();
  }

  private async startKafka(components: ComponentPaths): Promise<void> {
    const settings: KafkaOptions = { brokers: this.kafkaNodes.length, ...this.options.kafka };
    const version = components.kafkaVersion;
    this.versions.kafka = version;
    const major = kafkaMajor(version);
    const kafkaDir = join(this.options.workDir, "kafka");
    mkdirSync(kafkaDir, { recursive: true });
    const loggingFile = join(kafkaDir, major >= 4 ? "log4j2.properties" : "log4j.properties");
    writeFileSync(loggingFile, major >= 4 ? LOG4J2_PROPERTIES : LOG4J_PROPERTIES);
    const classpath = join(components.kafkaLibs, "*");
    const voters = this.kafkaNodes.map((node) => `${node.nodeId}@${HOST}:${node.controller}`);
    const heapMb = settings.heapMb ?? (this.kafkaNodes.length > 1 ? 512 : 768);
    const jvmArgs = [
      `-Xms${Math.min(256, heapMb)}m`,
      `-Xmx${heapMb}m`,
      "-XX:+UseG1GC",
      "-XX:MaxGCPauseMillis=20",
      "-Djava.awt.headless=true",
      major >= 4 ? `-Dlog4j2.configurationFile=${loggingFile}` : `-Dlog4j.configuration=file:${loggingFile}`,
      "-cp",
      classpath,
    ];
    const clusterId = (await exec(components.java, ["-cp", classpath, "kafka.tools.StorageTool", "random-uuid"])).stdout.trim();
    await Promise.all(
      this.kafkaNodes.map(async (node) => {
        const nodeDir = join(kafkaDir, node.service);
        const logDir = join(nodeDir, "data");
        mkdirSync(nodeDir, { recursive: true });
        const configFile = join(nodeDir, "server.properties");
        writeFileSync(
          configFile,
          renderKafkaConfig({
            nodeId: node.nodeId,
            voters,
            bindAddress: HOST,
            directPort: node.direct,
            directAdvertised: `${HOST}:${node.direct}`,
            proxiedPort: node.proxied,
            proxiedAdvertised: `${HOST}:${node.proxy}`,
            controllerPort: node.controller,
            logDir,
            clusterSize: this.kafkaNodes.length,
            minInsyncReplicas: settings.minInsyncReplicas,
          }),
        );
        const format = await exec(
          components.java,
          [...jvmArgs.filter((arg) => !arg.startsWith("-Xm")), "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", configFile, "--ignore-formatted"],
          { timeoutMs: 60_000 },
        );
        if (format.code !== 0 || !existsSync(logDir)) {
          throw new LosslabError("SERVICE_START_FAILED", `${node.service}: kafka-storage format failed`, {
            details: (format.stdout + format.stderr).trim().split("\n").slice(-15),
          });
        }
        const service = new NativeService({
          name: node.service,
          processOptions: () => ({
            name: node.service,
            command: components.java,
            args: [...jvmArgs, "kafka.Kafka", configFile],
            logFile: join(nodeDir, "kafka.log"),
          }),
          ready: async () => (await liveBrokerCount([`${HOST}:${node.direct}`])) >= 1,
          readyTimeoutMs: this.timeout(),
          stopGraceMs: 20_000,
        });
        this.services.set(node.service, service);
      }),
    );
    // Controllers need a quorum: start every node before waiting on any.
    await Promise.all(this.kafkaNodes.map((node) => this.service(node.service).start()));
    await this.waitForWholeCluster(this.timeout());
  }

  /** pid of Toxiproxy (diagnostics). */
  get toxiproxyPid(): number | undefined {
    return this.toxiproxyProcess?.running ? this.toxiproxyProcess.pid : undefined;
  }

  /** pid of a running service (tests and diagnostics). */
  pidOf(name: ServiceName): number | undefined {
    const service = name === "bridge" ? this.bridgeService : this.services.get(name);
    return service?.pid;
  }

  async startBridge(spec: BridgeProcessSpec): Promise<ServiceControl> {
    await this.bridgeService?.kill();
    const [command, ...args] = spec.command;
    if (!command) throw new LosslabError("USAGE", "bridge command is empty");
    const logFile = join(this.options.workDir, "bridge.log");
    const service: NativeService = new NativeService({
      name: "bridge",
      processOptions: () => ({ name: "bridge", command, args, env: { ...process.env, ...spec.env }, logFile }),
      ready: async (): Promise<boolean> => {
        // The reference bridge prints a ready line; an external bridge is ready once it has stayed up briefly.
        const pattern = spec.readyPattern;
        if (pattern) return service.lastLines(200).some((line: string) => pattern.test(line));
        await new Promise((resolve) => setTimeout(resolve, 500));
        return service.state === "running";
      },
      readyTimeoutMs: 30_000,
      stopGraceMs: 10_000,
    });
    this.bridgeService = service;
    await service.start();
    return service;
  }

  protected async release(): Promise<void> {
    await this.bridgeService?.kill().catch(() => {});
    await Promise.allSettled([...this.services.values()].map((service) => service.kill()));
    await this.toxiproxyProcess?.kill().catch(() => {});
  }
}

export function startNativeEnvironment(options: EnvironmentOptions): Promise<NativeEnvironment> {
  return NativeEnvironment.start(options);
}
