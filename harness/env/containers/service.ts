/**
 * ServiceControl over one container: kill = SIGKILL through the engine, stop = `docker stop` (SIGTERM, then
 * SIGKILL after the grace period), pause = the cgroup freezer (`docker pause`), start = `docker start` of the
 * same container (same file system, ports and network alias) followed by the service's readiness probe.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { PassThrough } from "node:stream";
import type Dockerode from "dockerode";
import { LosslabError } from "../../errors.js";
import type { ServiceControl, ServiceName } from "../environment.js";
import { waitFor } from "../wait.js";

export interface ContainerServiceOptions {
  name: ServiceName;
  docker: Dockerode;
  containerId: string;
  /** Resolves true when the service answers (MQTT CONNACK, Kafka metadata, a line in its log …). */
  ready: (service: ContainerService) => Promise<boolean>;
  readyTimeoutMs: number;
  /** Grace period of a graceful stop before the engine sends SIGKILL. */
  stopGraceMs: number;
  /** The container's output is appended here as it comes. */
  logFile: string;
}

const TAIL_LINES = 200;

/** Errors of the engine for an action that is already done ("is not running", "is already paused"). */
function alreadyInState(error: unknown): boolean {
  const status = (error as { statusCode?: number }).statusCode;
  return status === 304 || status === 409;
}

export class ContainerService implements ServiceControl {
  private current: "running" | "paused" | "stopped" = "stopped";
  private readonly tail: string[] = [];
  private readonly log: WriteStream;
  private logStream: NodeJS.ReadableStream | undefined;

  constructor(private readonly options: ContainerServiceOptions) {
    this.log = createWriteStream(options.logFile, { flags: "a" });
  }

  get name(): ServiceName {
    return this.options.name;
  }

  get state(): "running" | "paused" | "stopped" {
    return this.current;
  }

  get containerId(): string {
    return this.options.containerId;
  }

  private get container(): Dockerode.Container {
    return this.options.docker.getContainer(this.options.containerId);
  }

  lastLines(count = 20): string[] {
    return this.tail.slice(-count);
  }

  /** Follows the container's output from now on (the engine keeps it across restarts; we only read the new part). */
  private async followLogs(sinceSeconds: number): Promise<void> {
    this.logStream?.removeAllListeners();
    const raw = (await this.container.logs({ follow: true, stdout: true, stderr: true, since: sinceSeconds })) as NodeJS.ReadableStream;
    const lines = new PassThrough();
    this.options.docker.modem.demuxStream(raw, lines, lines);
    raw.on("end", () => lines.end());
    let partial = "";
    lines.on("data", (chunk: Buffer) => {
      this.log.write(chunk);
      const parts = (partial + chunk.toString()).split("\n");
      partial = parts.pop() ?? "";
      for (const line of parts) {
        this.tail.push(line);
        if (this.tail.length > TAIL_LINES) this.tail.shift();
      }
    });
    this.logStream = raw;
  }

  private async running(): Promise<{ running: boolean; description: string }> {
    const inspect = await this.container.inspect();
    const state = inspect.State;
    return { running: state.Running, description: `exit code ${state.ExitCode}${state.OOMKilled ? ", OOM-killed" : ""}${state.Error ? `, ${state.Error}` : ""}` };
  }

  /** Starts the container (first time or again) and waits until the service answers. */
  async start(): Promise<void> {
    if (this.current === "paused") return this.resume();
    if (this.current === "running") return;
    try {
      await this.container.start();
    } catch (error) {
      if (!alreadyInState(error)) throw new LosslabError("SERVICE_START_FAILED", `${this.name}: the engine could not start the container`, { cause: error });
    }
    await this.followLogs(Math.floor(Date.now() / 1000) - 1);
    this.current = "running";
    await this.waitReady();
  }

  /** Waits for the readiness probe; fails at once if the container exits meanwhile. */
  async waitReady(): Promise<void> {
    const abort = new AbortController();
    const exited = this.container
      .wait({ condition: "not-running", abortSignal: abort.signal })
      .then(async (): Promise<never> => {
        this.current = "stopped";
        const { description } = await this.running().catch(() => ({ description: "gone" }));
        throw new LosslabError("SERVICE_START_FAILED", `${this.name} exited during start-up (${description})`, { details: this.lastLines() });
      });
    try {
      await waitFor(async () => (await this.options.ready(this)) || false, {
        what: `${this.name} to become ready`,
        timeoutMs: this.options.readyTimeoutMs,
        intervalMs: 250,
        details: () => this.lastLines(),
        abortOn: exited,
      });
    } finally {
      abort.abort();
      exited.catch(() => {});
    }
  }

  /** Marks a container started by testcontainers as running and follows its output. */
  async adopt(): Promise<void> {
    await this.followLogs(0);
    this.current = "running";
  }

  async kill(): Promise<void> {
    if (this.current === "stopped") return;
    if (this.current === "paused") await this.container.unpause().catch(() => {});
    await this.container.kill({ signal: "SIGKILL" }).catch((error: unknown) => {
      if (!alreadyInState(error)) throw error;
    });
    await this.container.wait({ condition: "not-running" }).catch(() => {});
    this.current = "stopped";
  }

  async stop(): Promise<void> {
    if (this.current === "stopped") return;
    if (this.current === "paused") await this.container.unpause().catch(() => {});
    await this.container.stop({ t: Math.ceil(this.options.stopGraceMs / 1000) }).catch((error: unknown) => {
      if (!alreadyInState(error)) throw error;
    });
    this.current = "stopped";
  }

  async pause(): Promise<void> {
    if (this.current !== "running") return;
    await this.container.pause();
    this.current = "paused";
  }

  async resume(): Promise<void> {
    if (this.current !== "paused") return;
    await this.container.unpause();
    this.current = "running";
  }

  async restart(options: { kill?: boolean } = {}): Promise<void> {
    if (options.kill) await this.kill();
    else await this.stop();
    await this.start();
  }

  /** Runs a command in the container and returns its output (stdout and stderr together). */
  async exec(command: string[]): Promise<string> {
    const exec = await this.container.exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({});
    const output = new PassThrough();
    this.options.docker.modem.demuxStream(stream, output, output);
    return new Promise<string>((resolve, reject) => {
      let text = "";
      output.on("data", (chunk: Buffer) => (text += chunk.toString()));
      stream.on("end", () => resolve(text));
      stream.on("error", reject);
    });
  }

  /** Removes the container (and stops following it); safe to call twice. */
  async remove(): Promise<void> {
    this.logStream?.removeAllListeners();
    (this.logStream as { destroy?: () => void } | undefined)?.destroy?.();
    await this.container.remove({ force: true, v: true }).catch(() => {});
    this.current = "stopped";
    this.log.end();
  }
}
