/** ServiceControl over a ManagedProcess: every action waits until the service is in the requested state. */
import type { ServiceControl, ServiceName } from "../environment.js";
import { exitedEarly, ManagedProcess, type ManagedProcessOptions } from "./process.js";
import { waitFor } from "../wait.js";

export interface NativeServiceOptions {
  name: ServiceName;
  /** Builds the process options; called at each (re)start so configs can be re-read. */
  processOptions: () => ManagedProcessOptions;
  /** Resolves true when the service answers (MQTT CONNACK, Kafka metadata …). */
  ready: () => Promise<boolean>;
  readyTimeoutMs: number;
  /** Grace period of a SIGTERM stop before SIGKILL. */
  stopGraceMs?: number;
  /** Called before each (re)start, e.g. to re-create a missing directory. */
  beforeStart?: () => Promise<void> | void;
}

export class NativeService implements ServiceControl {
  private process: ManagedProcess | undefined;

  constructor(private readonly options: NativeServiceOptions) {}

  get name(): ServiceName {
    return this.options.name;
  }

  get state(): "running" | "paused" | "stopped" {
    const state = this.process?.state;
    if (state === "running") return "running";
    if (state === "paused") return "paused";
    return "stopped";
  }

  get pid(): number | undefined {
    return this.process?.running ? this.process.pid : undefined;
  }

  lastLines(count = 20): string[] {
    return this.process?.lastLines(count) ?? [];
  }

  async start(): Promise<void> {
    if (this.process?.running) return;
    await this.options.beforeStart?.();
    const proc = new ManagedProcess(this.options.processOptions());
    this.process = proc;
    proc.start();
    try {
      await waitFor(async () => (await this.options.ready()) || false, {
        what: `${this.name} to become ready`,
        timeoutMs: this.options.readyTimeoutMs,
        intervalMs: 250,
        details: () => proc.lastLines(),
        abortOn: exitedEarly(proc),
      });
    } catch (error) {
      await proc.kill();
      throw error;
    }
  }

  async kill(): Promise<void> {
    await this.process?.kill();
  }

  async stop(): Promise<void> {
    await this.process?.stop(this.options.stopGraceMs ?? 15_000);
  }

  async pause(): Promise<void> {
    this.process?.pause();
  }

  async resume(): Promise<void> {
    this.process?.resume();
  }

  async restart(options: { kill?: boolean } = {}): Promise<void> {
    if (options.kill) await this.kill();
    else await this.stop();
    await this.start();
  }
}
