/**
 * Startup time of the full environment (median of N, 1 and 3 Kafka brokers) on either runtime, and the memory of
 * each service once it is up, after a short idle: RSS of the process from /proc (native), or the container's
 * memory use minus page cache from the engine's stats (containers).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { NativeEnvironment } from "../harness/env/native/environment.js";
import type { ContainersEnvironment } from "../harness/env/containers/environment.js";
import type { RuntimeName, ServiceName } from "../harness/env/environment.js";
import { startEnvironment } from "../harness/env/select.js";

export interface StartupBench {
  runtime: RuntimeName;
  brokers: number;
  runs: number;
  startupMs: number[];
  medianMs: number;
  rssMB: Record<string, number>;
}

function rssMB(pid: number | undefined): number {
  if (!pid) return NaN;
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

async function containerMB(env: ContainersEnvironment, name: ServiceName | "toxiproxy"): Promise<number> {
  const id = env.containerIdOf(name);
  if (!id) return NaN;
  const { getContainerRuntimeClient } = await import("testcontainers");
  const stats = (await (await getContainerRuntimeClient()).container.dockerode.getContainer(id).stats({ stream: false })) as {
    memory_stats: { usage?: number; stats?: { cache?: number; inactive_file?: number } };
  };
  const cache = stats.memory_stats.stats?.cache ?? stats.memory_stats.stats?.inactive_file ?? 0;
  return Math.round(((stats.memory_stats.usage ?? NaN) - cache) / 1024 / 1024);
}

export async function benchStartup(brokers: 1 | 3, runs = 5, runtime: RuntimeName = "native"): Promise<StartupBench> {
  const startupMs: number[] = [];
  let memory: Record<string, number> = {};
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await using env = await startEnvironment(runtime, { workDir: mkdtempSync(join(tmpdir(), "losslab-bench-startup-")), kafka: { brokers } });
    startupMs.push(Math.round(performance.now() - started));
    if (run === runs - 1) {
      await sleep(3_000);
      const names: ServiceName[] = ["mosquitto", ...env.kafkaServices];
      if (runtime === "containers") {
        const containers = env as ContainersEnvironment;
        for (const name of [...names, "toxiproxy" as const]) memory[name] = await containerMB(containers, name);
      } else {
        const native = env as NativeEnvironment;
        memory = Object.fromEntries(names.map((name) => [name, rssMB(native.pidOf(name))]));
        memory.toxiproxy = rssMB(native.toxiproxyPid);
      }
    }
  }
  const sorted = [...startupMs].sort((a, b) => a - b);
  return { runtime, brokers, runs, startupMs, medianMs: sorted[Math.floor(sorted.length / 2)]!, rssMB: memory };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runtime = process.argv.includes("--containers") ? "containers" : "native";
  console.log(JSON.stringify(await benchStartup(1, 5, runtime)));
  console.log(JSON.stringify(await benchStartup(3, 5, runtime)));
}
