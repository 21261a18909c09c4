/**
 * Before the suite: installs the native components (idempotent, cached) and, unless LOSSLAB_SKIP_CONTAINERS=1,
 * makes the containers runtime usable: a Docker engine (dockerd started here when none answers, stopped again at
 * the end) and the locally built images (cached by tag).
 * After it: any broker or proxy process, container or network a test started and left behind is removed, and the
 * run fails naming it. Only what this suite's workers recorded is considered, so a developer's own
 * `losslab env up` running beside the tests is left alone.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { setup } from "../harness/setup/install.js";
import { sweepStaleProcesses } from "../harness/env/native/registry.js";
import { ensureDockerEngine, type StartedEngine } from "../harness/setup/docker.js";
import { buildLocalImages } from "../harness/setup/images.js";

const log = (line: string): void => console.log(`[setup] ${line}`);

async function containerLeftovers(): Promise<string[]> {
  const { getContainerRuntimeClient } = await import("testcontainers");
  const { sweepStaleContainers } = await import("../harness/env/containers/cleanup.js");
  return sweepStaleContainers((await getContainerRuntimeClient()).container.dockerode);
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!process.env.LOSSLAB_SKIP_SETUP) await setup({ log });
  let engine: StartedEngine | undefined;
  if (process.env.LOSSLAB_SKIP_CONTAINERS !== "1") {
    engine = await ensureDockerEngine(log);
    await buildLocalImages({ log });
  }
  return async () => {
    // Workers exit just before the teardown: give their exit hooks a moment.
    await sleep(500);
    const leaked = sweepStaleProcesses();
    if (engine) leaked.push(...(await containerLeftovers()));
    await engine?.stop();
    if (leaked.length > 0) throw new Error(`processes or containers left behind by the test suite (now removed): ${leaked.join(", ")}`);
  };
}
