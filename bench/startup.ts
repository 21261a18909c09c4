/**
 * Startup time of the full native environment (median of N, 1 and 3 Kafka brokers) and the resident memory of each
 * service once it is up (RSS of the process group leader from /proc, after a short idle).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startNativeEnvironment } from "../harness/env/native/environment.js";
import type { ServiceName } from "../harness/env/environment.js";

export interface StartupBench {
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

export async function benchStartup(brokers: 1 | 3, runs = 5): Promise<StartupBench> {
  const startupMs: number[] = [];
  let memory: Record<string, number> = {};
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await using env = await startNativeEnvironment({ workDir: mkdtempSync(join(tmpdir(), "losslab-bench-startup-")), kafka: { brokers } });
    startupMs.push(Math.round(performance.now() - started));
    if (run === runs - 1) {
      await sleep(3_000);
      const names: ServiceName[] = ["mosquitto", ...env.kafkaServices];
      memory = Object.fromEntries(names.map((name) => [name, rssMB(env.pidOf(name))]));
      memory.toxiproxy = rssMB(env.toxiproxyPid);
    }
  }
  const sorted = [...startupMs].sort((a, b) => a - b);
  return { brokers, runs, startupMs, medianMs: sorted[Math.floor(sorted.length / 2)]!, rssMB: memory };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchStartup(1)));
  console.log(JSON.stringify(await benchStartup(3)));
}
