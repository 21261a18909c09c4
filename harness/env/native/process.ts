/**
 * A child process losslab owns: started in its own process group (so signals reach its children too),
 * output appended to a log file with the last lines kept for error messages, registered for the
 * stale-run sweep and killed when losslab exits, whatever the reason.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";
import { LosslabError } from "../../errors.js";
import { forgetProcess, rememberProcess } from "./registry.js";

export interface ManagedProcessOptions {
  /** The service name, e.g. "mosquitto", "kafka-2", "bridge". */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
  /** Lines kept in memory for error messages. */
  tailLines?: number;
}

export type ProcessState = "new" | "running" | "paused" | "exited";

const live = new Set<ManagedProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last line of defence: whatever happened, no broker outlives losslab.
  process.on("exit", () => {
    for (const proc of live) proc.killGroupSync();
  });
}

export class ManagedProcess {
  readonly options: ManagedProcessOptions;
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private tail: string[] = [];
  private partial = "";
  private exitPromise: Promise<number | null> | undefined;
  private _state: ProcessState = "new";
  private _exitCode: number | null = null;
  private _exitSignal: NodeJS.Signals | null = null;

  constructor(options: ManagedProcessOptions) {
    this.options = options;
  }

  get state(): ProcessState {
    return this._state;
  }
  get pid(): number | undefined {
    return this.child?.pid;
  }
  get running(): boolean {
    return this._state === "running" || this._state === "paused";
  }
  get exitDescription(): string {
    return this._exitSignal ? `killed by ${this._exitSignal}` : `exit code ${this._exitCode}`;
  }

  start(): void {
    if (this.running) throw new LosslabError("SERVICE_START_FAILED", `${this.options.name} is already running`);
    installExitHook();
    this.log = createWriteStream(this.options.logFile, { flags: "a" });
    this.log.write(`\n--- losslab: starting ${this.options.name} at ${new Date().toISOString()}\n`);
    const child = spawn(this.options.command, this.options.args, {
      cwd: this.options.cwd,
      env: this.options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    this.child = child;
    this._state = "running";
    this._exitCode = null;
    this._exitSignal = null;
    const onData = (chunk: Buffer): void => {
      this.log?.write(chunk);
      this.keepTail(chunk.toString());
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    this.exitPromise = new Promise((resolve) => {
      child.on("error", (error) => {
        this.keepTail(`spawn error: ${error.message}\n`);
      });
      child.on("close", (code, signal) => {
        this._state = "exited";
        this._exitCode = code;
        this._exitSignal = signal;
        live.delete(this);
        if (child.pid) forgetProcess(child.pid);
        this.log?.end();
        resolve(code);
      });
    });
    if (child.pid === undefined) {
      throw new LosslabError("SERVICE_START_FAILED", `${this.options.name}: cannot spawn ${this.options.command}`, {
        details: this.lastLines(),
      });
    }
    live.add(this);
    rememberProcess({ pid: child.pid, name: this.options.name, command: this.options.command });
  }

  private keepTail(text: string): void {
    const lines = (this.partial + text).split("\n");
    this.partial = lines.pop() ?? "";
    this.tail.push(...lines);
    const keep = this.options.tailLines ?? 40;
    if (this.tail.length > keep) this.tail.splice(0, this.tail.length - keep);
  }

  lastLines(count = 20): string[] {
    const lines = this.partial ? [...this.tail, this.partial] : this.tail;
    return lines.slice(-count);
  }

  /** Sends a signal to the whole process group. */
  signal(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (!pid || this._state === "exited") return;
    try {
      process.kill(-pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
  }

  killGroupSync(): void {
    const pid = this.child?.pid;
    if (!pid || this._state === "exited") return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }

  /** Resolves when this run of the process has exited. */
  exited(): Promise<void> {
    return (this.exitPromise ?? Promise.resolve()).then(() => undefined);
  }

  /** Resolves when the process has exited (immediately if it already has). */
  async waitForExit(timeoutMs: number): Promise<boolean> {
    if (!this.exitPromise || this._state === "exited") return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const exited = await Promise.race([this.exitPromise.then(() => true as const), timeout]);
    clearTimeout(timer);
    return exited;
  }

  /** SIGKILL: no chance to clean up. */
  async kill(): Promise<void> {
    this.signal("SIGKILL");
    await this.waitForExit(10_000);
  }

  /** SIGTERM (resuming a paused process so it can act on it), then SIGKILL after the grace period. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.signal("SIGTERM");
    this.signal("SIGCONT");
    if (!(await this.waitForExit(graceMs))) await this.kill();
  }

  pause(): void {
    if (this._state !== "running") return;
    this.signal("SIGSTOP");
    this._state = "paused";
  }

  resume(): void {
    if (this._state !== "paused") return;
    this.signal("SIGCONT");
    this._state = "running";
  }
}

/** Waits for the process's exit event; rejects with its last log lines if it exits first. */
export async function exitedEarly(proc: ManagedProcess): Promise<never> {
  await proc.exited();
  throw new LosslabError("SERVICE_START_FAILED", `${proc.options.name} exited during start-up (${proc.exitDescription})`, {
    details: proc.lastLines(),
  });
}

export { once };
