/**
 * Nothing the containers runtime creates may outlive losslab. Three layers, as for native processes:
 *   1. dispose() removes the environment's containers and network (also run on SIGINT/SIGTERM by teardown.ts);
 *   2. an exit hook removes what is still registered with the docker CLI, synchronously, when the process exits;
 *   3. every container and network carries the owner's host:pid label, and starting an environment removes
 *      those whose owner process is gone (a losslab that was SIGKILLed).
 * Testcontainers' Ryuk reaper would be a fourth layer, but its image must be pulled from a registry.
 */
import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import type Dockerode from "dockerode";
import { which } from "../../setup/exec.js";

export const LABEL_ENV = "dev.losslab.env";
export const LABEL_OWNER = "dev.losslab.owner";

export function ownerLabel(): string {
  return `${hostname()}:${process.pid}`;
}

const liveContainers = new Set<string>();
const liveNetworks = new Set<string>();
let hookInstalled = false;

function installExitHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  process.on("exit", () => {
    const docker = which("docker");
    if (!docker) return;
    if (liveContainers.size > 0) spawnSync(docker, ["rm", "-f", "-v", ...liveContainers], { stdio: "ignore", timeout: 30_000 });
    if (liveNetworks.size > 0) spawnSync(docker, ["network", "rm", ...liveNetworks], { stdio: "ignore", timeout: 30_000 });
  });
}

export function rememberContainer(id: string): void {
  installExitHook();
  liveContainers.add(id);
}

export function forgetContainer(id: string): void {
  liveContainers.delete(id);
}

export function rememberNetwork(id: string): void {
  installExitHook();
  liveNetworks.add(id);
}

export function forgetNetwork(id: string): void {
  liveNetworks.delete(id);
}

function ownerGone(owner: string | undefined): boolean {
  if (!owner) return false;
  const [host, pidText] = owner.split(":");
  if (host !== hostname()) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "EPERM";
  }
}

/** Removes containers and networks of losslab processes that are gone; returns their names. */
export async function sweepStaleContainers(docker: Dockerode): Promise<string[]> {
  const swept: string[] = [];
  const containers = await docker.listContainers({ all: true, filters: { label: [LABEL_OWNER] } });
  for (const info of containers) {
    if (!ownerGone(info.Labels[LABEL_OWNER])) continue;
    await docker.getContainer(info.Id).remove({ force: true, v: true }).catch(() => {});
    swept.push(info.Names[0]?.replace(/^\//, "") ?? info.Id.slice(0, 12));
  }
  const networks = await docker.listNetworks({ filters: { label: [LABEL_OWNER] } });
  for (const info of networks) {
    if (!ownerGone(info.Labels?.[LABEL_OWNER])) continue;
    await docker.getNetwork(info.Id).remove().catch(() => {});
    swept.push(info.Name);
  }
  return swept;
}

/** Containers and networks losslab made that still exist (tests assert there are none after a run). */
export async function losslabLeftovers(docker: Dockerode): Promise<string[]> {
  const containers = await docker.listContainers({ all: true, filters: { label: [LABEL_ENV] } });
  const networks = await docker.listNetworks({ filters: { label: [LABEL_ENV] } });
  return [...containers.map((info) => info.Names[0] ?? info.Id), ...networks.map((info) => info.Name)];
}
