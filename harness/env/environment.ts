/**
 * The Environment: a running MQTT → Kafka topology with a Toxiproxy link between each hop.
 * Runtimes (native processes, containers) implement it; everything above (workload, faults, reconciler)
 * only talks to this interface.
 */
import type { ToxiproxyClient } from "./toxiproxy.js";

/** Contract names of the links (DESIGN.md). */
export const LINK_NAMES = ["mqtt-pub", "mqtt-bridge", "kafka-bridge"] as const;
export type LinkName = (typeof LINK_NAMES)[number];

/** Contract names of the processes: mosquitto, kafka (single broker) or kafka-1…kafka-N, bridge. */
export type ServiceName = "mosquitto" | "kafka" | `kafka-${number}` | "bridge";

export type RuntimeName = "native" | "containers";

export interface Endpoints {
  mqtt: {
    /** Mosquitto itself, bypassing every proxy (checks, diagnostics). */
    direct: string;
    /** Through the mqtt-pub link: what publishers use. */
    publish: string;
    /** Through the mqtt-bridge link: what the bridge subscribes on. */
    bridge: string;
  };
  kafka: {
    /** DIRECT listener(s): the checker reads here, never through a proxy. */
    direct: string[];
    /** PROXIED listener(s) reached through the kafka-bridge link(s); advertised as the proxy's address. */
    bridge: string[];
  };
  /** Toxiproxy's HTTP API. */
  toxiproxy: string;
}

export interface MosquittoOptions {
  persistence: boolean;
  autosaveIntervalSeconds?: number;
  autosaveOnChanges?: boolean;
  maxQueuedMessages?: number;
  maxInflightMessages?: number;
  /** Raw extra lines appended to mosquitto.conf. */
  extraConfig?: string[];
}

export interface KafkaOptions {
  /** 1 (default) or 3 (each a combined broker+controller; replication factor 3 becomes possible). */
  brokers: number;
  version?: string;
  /** Default min.insync.replicas for topics (cluster only). */
  minInsyncReplicas?: number;
  heapMb?: number;
}

export interface EnvironmentOptions {
  /** Folder for configs, data and logs of this environment. */
  workDir: string;
  mosquitto?: Partial<MosquittoOptions>;
  kafka?: Partial<KafkaOptions>;
  /** Readiness timeout per service. */
  startTimeoutMs?: number;
  log?: (line: string) => void;
  /** Containers runtime only: image overrides (otherwise LOSSLAB_*_IMAGE, then the official images). */
  images?: Partial<Record<"mosquitto" | "kafka" | "toxiproxy" | "bridge", string>>;
}

export interface BridgeProcessSpec {
  /**
   * argv of the bridge: the reference bridge or any external command. In the containers runtime an external
   * command runs inside the bridge image (its entrypoint replaced by this argv).
   */
  command: string[];
  /** This is losslab's reference bridge (the containers runtime runs it from the mounted package, not `command`). */
  reference?: boolean;
  /** Containers runtime: an external bridge image, started with its own entrypoint and the LOSSLAB_* environment. */
  image?: string;
  /** Environment added to the caller's (LOSSLAB_* of the contract and anything else). */
  env: Record<string, string>;
  /** A line the bridge prints once ready; without it, a bridge that stays up for a moment is taken as ready. */
  readyPattern?: RegExp;
}

/** Control of one service. Every action waits until the service is in the requested state. */
export interface ServiceControl {
  readonly name: ServiceName;
  /** SIGKILL: no clean-up. */
  kill(): Promise<void>;
  /** SIGTERM: graceful stop. */
  stop(): Promise<void>;
  /** SIGSTOP: the process stays but stops answering. */
  pause(): Promise<void>;
  /** SIGCONT. */
  resume(): Promise<void>;
  /** Starts it again on the same ports and data directory, and waits until ready. */
  start(): Promise<void>;
  /** stop (or kill with `{ kill: true }`) then start. */
  restart(options?: { kill?: boolean }): Promise<void>;
  readonly state: "running" | "paused" | "stopped";
  /** Last lines of its log. */
  lastLines(count?: number): string[];
}

export interface Environment extends AsyncDisposable {
  readonly runtime: RuntimeName;
  readonly endpoints: Endpoints;
  /** Versions of the running components (mosquitto, kafka, toxiproxy). */
  readonly versions: Record<string, string>;
  readonly toxiproxy: ToxiproxyClient;
  /** Toxiproxy proxy names behind a contract link (a Kafka cluster has one per broker). */
  proxiesOf(link: LinkName): string[];
  /** The Kafka service names: ["kafka"] or ["kafka-1", …]. */
  readonly kafkaServices: ServiceName[];
  service(name: ServiceName): ServiceControl;
  /** Starts the bridge process (replacing a previous one); controlled afterwards as service("bridge"). */
  startBridge(spec: BridgeProcessSpec): Promise<ServiceControl>;
  /** Heal: remove every toxic, enable every link, resume paused and start stopped services. */
  heal(): Promise<void>;
  /** Stops everything; safe to call twice. */
  dispose(): Promise<void>;
}
