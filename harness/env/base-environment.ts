/**
 * What both runtimes share once their services exist: the contract's link → proxy names, service lookup, heal,
 * waiting for a whole Kafka cluster, and the teardown registration. Runtimes add how services start and stop.
 */
import { LosslabError } from "../errors.js";
import { liveBrokerCount } from "../kafka/client.js";
import type { BridgeProcessSpec, Endpoints, Environment, LinkName, RuntimeName, ServiceControl, ServiceName } from "./environment.js";
import type { ToxiproxyClient } from "./toxiproxy.js";
import { onTeardown } from "./teardown.js";
import { waitFor } from "./wait.js";

export interface KafkaNodeNames {
  service: ServiceName;
  /** Its kafka-bridge proxy: "kafka-bridge", "kafka-bridge-2" … */
  proxyName: string;
}

export abstract class BaseEnvironment<S extends ServiceControl> implements Environment {
  abstract readonly runtime: RuntimeName;
  readonly versions: Record<string, string> = {};
  readonly kafkaServices: ServiceName[];
  protected readonly services = new Map<ServiceName, S>();
  protected bridgeService: S | undefined;
  protected disposed = false;
  private readonly unregister: () => void;

  protected constructor(
    readonly endpoints: Endpoints,
    readonly toxiproxy: ToxiproxyClient,
    private readonly kafkaNames: KafkaNodeNames[],
  ) {
    this.kafkaServices = kafkaNames.map((node) => node.service);
    this.unregister = onTeardown(() => this.dispose());
  }

  abstract startBridge(spec: BridgeProcessSpec): Promise<ServiceControl>;
  /** Stops and removes what the runtime started; called once by dispose(). */
  protected abstract release(): Promise<void>;

  proxiesOf(link: LinkName): string[] {
    if (link === "kafka-bridge") return this.kafkaNames.map((node) => node.proxyName);
    return [link];
  }

  service(name: ServiceName): ServiceControl {
    if (name === "bridge" && this.bridgeService) return this.bridgeService;
    const service = this.services.get(name);
    if (!service) {
      throw new LosslabError("SERVICE_UNKNOWN", `no service named ${name}; known: ${[...this.services.keys(), ...(this.bridgeService ? ["bridge"] : [])].join(", ")}`);
    }
    return service;
  }

  /** Every node must see every broker: metadata of a just-started node can lag behind the others. */
  protected async waitForWholeCluster(timeoutMs: number): Promise<void> {
    const size = this.kafkaNames.length;
    if (size < 2) return;
    await waitFor(async () => (await Promise.all(this.endpoints.kafka.direct.map((broker) => liveBrokerCount([broker])))).every((n) => n === size), {
      what: `all ${size} kafka brokers to register`,
      timeoutMs,
    });
  }

  async heal(): Promise<void> {
    await this.toxiproxy.reset();
    for (const name of [...this.kafkaServices, "mosquitto" as const]) await this.healService(this.service(name));
    if (this.bridgeService) await this.healService(this.bridgeService);
  }

  private async healService(service: ServiceControl): Promise<void> {
    if (service.state === "paused") await service.resume();
    else if (service.state === "stopped") await service.start();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.unregister();
    await this.release();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
