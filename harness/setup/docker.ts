/**
 * The Docker engine the containers runtime talks to, through testcontainers (which honours DOCKER_HOST,
 * Docker contexts, Podman and Colima sockets). `ensureDockerEngine` may also start a local dockerd (as root,
 * where Debian's docker.io is installed or installable) for machines like CI runners that have none running.
 */
import { existsSync, mkdirSync, openSync, closeSync } from "node:fs";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { LosslabError } from "../errors.js";
import { losslabHome } from "../paths.js";
import { waitFor } from "../env/wait.js";
import { aptInstall } from "./apt.js";
import { exec, which } from "./exec.js";

export interface EngineStatus {
  ok: boolean;
  /** "docker 20.10.24 (unix:///var/run/docker.sock)" or why not. */
  detail: string;
}

const RYUK_IMAGE = "testcontainers/ryuk";

async function loadTestcontainers(): Promise<typeof import("testcontainers")> {
  // testcontainers logs through `debug`; loading it lazily keeps the native runtime from paying for it.
  return import("testcontainers");
}

/** Whether a container engine answers, without starting anything. */
export async function dockerEngineStatus(timeoutMs = 8_000): Promise<EngineStatus> {
  // Without any socket or DOCKER_HOST, testcontainers spends seconds trying strategies: answer at once.
  if (!process.env.DOCKER_HOST && !existsSync("/var/run/docker.sock") && !existsSync(join(process.env.HOME ?? "", ".docker"))) {
    return { ok: false, detail: "no Docker engine (no /var/run/docker.sock, no DOCKER_HOST)" };
  }
  try {
    const { getContainerRuntimeClient } = await loadTestcontainers();
    const client = await withTimeout(getContainerRuntimeClient(), timeoutMs, "the Docker engine to answer");
    const version = await client.container.dockerode.version();
    return { ok: true, detail: `engine ${version.Version} (${client.info.containerRuntime.remoteSocketPath || client.info.containerRuntime.host})` };
  } catch (error) {
    return { ok: false, detail: `no Docker engine answers: ${(error as Error).message.split("\n")[0]}` };
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
      timer.unref();
    }),
  ]);
}

/**
 * Ryuk (testcontainers' reaper) must be pulled from a registry: where its image is absent, disable it.
 * losslab's own cleanup (dispose, signal teardown, the stale-container sweep) is enough on its own.
 */
export async function configureReaper(): Promise<"ryuk" | "losslab"> {
  if (process.env.TESTCONTAINERS_RYUK_DISABLED === "true") return "losslab";
  const { getContainerRuntimeClient } = await loadTestcontainers();
  const client = await getContainerRuntimeClient();
  const images = await client.container.dockerode.listImages({ filters: { reference: [RYUK_IMAGE] } });
  if (images.length > 0) return "ryuk";
  process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
  return "losslab";
}

export interface StartedEngine {
  /** True when this call started dockerd (and `stop` will stop it). */
  started: boolean;
  stop(): Promise<void>;
}

/**
 * A reachable engine, starting a local dockerd when none answers (root only; installs Debian's docker.io
 * when dockerd is missing). Published ports default to 127.0.0.1 (`--ip`), so nothing is exposed beyond loopback.
 */
export async function ensureDockerEngine(log: (line: string) => void = () => {}): Promise<StartedEngine> {
  const status = await dockerEngineStatus();
  if (status.ok) return { started: false, stop: async () => {} };
  if (process.getuid?.() !== 0) {
    throw new LosslabError("PREREQUISITE_MISSING", `${status.detail}: start Docker (or Podman with its Docker socket), or run as root so losslab can start dockerd`);
  }
  if (!which("dockerd")) {
    await aptInstall(["docker.io"], log);
    // Some systems start the daemon from the package's install script.
    if ((await dockerEngineStatus()).ok) return { started: false, stop: async () => {} };
  }
  const dockerd = which("dockerd");
  if (!dockerd) throw new LosslabError("PREREQUISITE_MISSING", "dockerd not found: apt-get install docker.io");
  const dir = join(losslabHome(), "docker");
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, "dockerd.log");
  const out = openSync(logFile, "a");
  log(`starting dockerd (log: ${logFile}) …`);
  const child = spawn(dockerd, ["--ip", "127.0.0.1", "--pidfile", join(dir, "dockerd.pid")], { stdio: ["ignore", out, out], detached: true });
  closeSync(out);
  child.unref();
  let exited = false;
  child.once("exit", () => (exited = true));
  await waitFor(async () => !exited && (await dockerEngineStatus(3_000)).ok, {
    what: "dockerd to answer",
    timeoutMs: 60_000,
    intervalMs: 500,
  });
  return {
    started: true,
    stop: async () => {
      if (exited || child.pid === undefined) return;
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 20_000).unref())]);
    },
  };
}

/**
 * A Compose command: the `docker compose` plugin when the CLI has it, else the standalone `docker-compose`
 * (Debian's docker-compose package is installed when neither is present and losslab runs as root).
 */
export async function ensureCompose(log: (line: string) => void = () => {}): Promise<string[]> {
  const docker = which("docker");
  if (docker && (await exec(docker, ["compose", "version"], { timeoutMs: 10_000 })).code === 0) return [docker, "compose"];
  if (!which("docker-compose")) await aptInstall(["docker-compose"], log);
  const compose = which("docker-compose");
  if (!compose) throw new LosslabError("PREREQUISITE_MISSING", "no Docker Compose: install the compose plugin or docker-compose");
  return [compose];
}
