/**
 * Highest sustained end-to-end rate through the reference bridge at each QoS level with zero acknowledged loss.
 * For each level, a ladder of rates (one real run each: Mosquitto → at-least-once bridge → Kafka, no faults);
 * a step passes when nothing acked is lost, everything sent is delivered, no publish was back-pressured, and the
 * p99 latency stays under a second (the bridge kept up instead of building a backlog).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveScenario } from "../harness/scenario/resolve.js";
import { runScenario } from "../harness/run.js";
import type { QosLevel } from "../harness/result.js";

export interface ThroughputStep {
  qos: QosLevel;
  rate: number;
  sent: number;
  delivered: number;
  lostAcked: number;
  p99Ms: number;
  pass: boolean;
}

export interface ThroughputBench {
  durationS: number;
  steps: ThroughputStep[];
  /** Highest passing rate per QoS level (messages per second). */
  sustained: Record<string, number>;
}

export async function benchThroughput(options: { durationS?: number; rates?: number[]; qos?: QosLevel[]; log?: (line: string) => void } = {}): Promise<ThroughputBench> {
  const durationS = options.durationS ?? 10;
  const rates = options.rates ?? [250, 500, 1_000, 2_000, 4_000, 8_000];
  const levels = options.qos ?? [0, 1, 2];
  const outDir = mkdtempSync(join(tmpdir(), "losslab-bench-throughput-"));
  const steps: ThroughputStep[] = [];
  const sustained: Record<string, number> = {};
  for (const qos of levels) {
    sustained[String(qos)] = 0;
    for (const rate of rates) {
      const scenario = resolveScenario({
        name: `throughput-qos${qos}`,
        description: "benchmark step",
        workload: { publishers: 4, qos: [qos], ratePerSecond: rate, duration: `${durationS}s`, payloadBytes: 256, inflightWindow: 1_000 },
        bridge: { mode: "at-least-once" },
        settle: { quietPeriod: "2s", maxWait: "60s" },
      });
      const { result, warnings } = await runScenario(scenario, { outDir });
      const counts = result.qos[`${qos}`]!;
      const backpressured = warnings.some((warning) => warning.includes("inflight window"));
      const pass = counts.lostAcked === 0 && counts.delivered === counts.sent && !backpressured && counts.latencyMs.p99 < 1_000;
      steps.push({ qos, rate, sent: counts.sent, delivered: counts.delivered, lostAcked: counts.lostAcked, p99Ms: counts.latencyMs.p99, pass });
      options.log?.(`qos ${qos} @ ${rate}/s: sent ${counts.sent}, delivered ${counts.delivered}, lostAcked ${counts.lostAcked}, p99 ${counts.latencyMs.p99} ms → ${pass ? "sustained" : "not sustained"}`);
      if (!pass) break;
      sustained[String(qos)] = rate;
    }
  }
  return { durationS, steps, sustained };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchThroughput({ log: (line) => console.error(line) })));
}
