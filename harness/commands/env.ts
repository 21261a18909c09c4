/** `losslab env up` keeps an environment running until Ctrl-C; `losslab env down` stops those still up. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chooseRuntime, parseRuntimeChoice, startEnvironment } from "../env/select.js";
import type { ContainerImages } from "../setup/images.js";
import { readEnvStates, removeEnvState, writeEnvState } from "../env/state.js";
import { sweepStaleProcesses } from "../env/native/registry.js";
import { sleep } from "../env/wait.js";
import { installSignalTeardown } from "../env/teardown.js";

export interface EnvUpOptions {
  brokers: number;
  kafkaVersion?: string;
  persistence?: boolean;
  json?: boolean;
  runtime?: string;
  image?: Partial<ContainerImages>;
}

export async function envUpCommand(options: EnvUpOptions): Promise<number> {
  installSignalTeardown();
  const workDir = mkdtempSync(join(tmpdir(), "losslab-env-"));
  const decision = await chooseRuntime(parseRuntimeChoice(options.runtime), { kafkaVersion: options.kafkaVersion, images: options.image });
  console.error(`runtime: ${decision.runtime}${decision.reason === "requested" ? "" : ` (auto: ${decision.reason})`}`);
  const env = await startEnvironment(decision.runtime, {
    workDir,
    images: options.image,
    kafka: { brokers: options.brokers, version: options.kafkaVersion },
    mosquitto: { persistence: options.persistence ?? false },
    log: (line) => console.error(line),
  });
  const forget = writeEnvState({ pid: process.pid, workDir, endpoints: env.endpoints, startedAt: new Date().toISOString() });
  if (options.json) {
    console.log(JSON.stringify({ endpoints: env.endpoints, versions: env.versions, workDir }));
  } else {
    const { mqtt, kafka, toxiproxy } = env.endpoints;
    console.log(`mosquitto ${env.versions.mosquitto}, kafka ${env.versions.kafka}, toxiproxy ${env.versions.toxiproxy}`);
    console.log(`  mqtt direct          ${mqtt.direct}`);
    console.log(`  mqtt via mqtt-pub    ${mqtt.publish}`);
    console.log(`  mqtt via mqtt-bridge ${mqtt.bridge}${env.runtime === "containers" ? "  (inside the network)" : ""}`);
    console.log(`  kafka direct         ${kafka.direct.join(",")}`);
    console.log(`  kafka via kafka-bridge ${kafka.bridge.join(",")}${env.runtime === "containers" ? "  (inside the network)" : ""}`);
    console.log(`  toxiproxy API        ${toxiproxy}`);
    console.log(`  logs and data        ${workDir}`);
    console.log("environment up; Ctrl-C (or `losslab env down`) stops it");
  }
  try {
    // The SIGINT/SIGTERM teardown installed by the CLI disposes the environment and exits.
    for (;;) await sleep(60_000);
  } finally {
    forget();
    await env.dispose();
  }
}

export async function envDownCommand(): Promise<number> {
  const states = readEnvStates();
  for (const state of states) {
    try {
      process.kill(state.pid, "SIGTERM");
      console.log(`stopping environment of losslab pid ${state.pid}`);
    } catch {
      removeEnvState(state.pid);
    }
  }
  for (let waited = 0; waited < 30_000; waited += 250) {
    const alive = states.filter((state) => {
      try {
        process.kill(state.pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    if (alive.length === 0) break;
    await sleep(250);
  }
  for (const state of states) removeEnvState(state.pid);
  const swept = sweepStaleProcesses();
  const { dockerEngineStatus } = await import("../setup/docker.js");
  if ((await dockerEngineStatus(3_000)).ok) {
    const { getContainerRuntimeClient } = await import("testcontainers");
    const { sweepStaleContainers } = await import("../env/containers/cleanup.js");
    swept.push(...(await sweepStaleContainers((await getContainerRuntimeClient()).container.dockerode)));
  }
  if (swept.length > 0) console.log(`killed: ${swept.join(", ")}`);
  if (states.length === 0 && swept.length === 0) console.log("no environment was up");
  return 0;
}
