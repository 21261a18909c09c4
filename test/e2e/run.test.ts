/** The core loop end to end on the native runtime: real Mosquitto, Kafka, Toxiproxy and bridge processes. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../harness/scenario/load.js";
import { resolveScenario } from "../../harness/scenario/resolve.js";
import { runScenario } from "../../harness/run.js";
import type { QosResult, RunResult } from "../../harness/result.js";
import { ROOT, runCli } from "../support/cli.js";

const out = (): string => mkdtempSync(join(tmpdir(), "losslab-run-"));

describe("baseline on the native runtime", () => {
  for (const mode of ["at-least-once", "at-most-once"] as const) {
    it(`delivers every message exactly once with the ${mode} reference bridge`, async () => {
      const input = await loadScenario("baseline");
      const scenario = resolveScenario({ ...input, bridge: { ...input.bridge, mode } }, { duration: "5s" });
      const outcome = await runScenario(scenario, { outDir: out() });
      const { result } = outcome;
      expect(result.pass, JSON.stringify(result.expectations.filter((e) => !e.pass))).toBe(true);
      expect(Object.keys(result.qos).sort()).toEqual(["0", "1", "2"]);
      for (const level of ["1", "2"] as const) {
        const qos = result.qos[level] as QosResult;
        expect(qos.sent).toBeGreaterThan(400);
        expect(qos.acked).toBe(qos.sent);
        expect(qos.delivered).toBe(qos.sent);
        expect(qos.lostAcked + qos.lostUnacked + qos.duplicates + qos.corrupted + qos.unexpected).toBe(0);
        expect(qos.latencyMs.p50).toBeGreaterThan(0);
        expect(qos.latencyMs.max).toBeGreaterThanOrEqual(qos.latencyMs.p99);
      }
      const written = JSON.parse(readFileSync(join(outcome.runDir, "result.json"), "utf8")) as RunResult;
      expect(written.schema).toBe("losslab/result@1");
      expect(written.runId).toBe(result.runId);
      expect(written.versions.kafka).toBe("3.9.1");
    }, 180_000);
  }
});

describe("the checker's honesty against a real broker", () => {
  it("counts exactly what a seeded faulty bridge dropped, duplicated, reordered and corrupted", async () => {
    const outDir = out();
    const truthFile = join(outDir, "truth.json");
    const bridge = `${process.execPath} --import tsx ${join(ROOT, "test", "support", "faulty-bridge.ts")}`;
    const result = await runCli(
      ["run", "baseline", "--duration", "6s", "--rate", "450", "--quiet", "--out", outDir, "--bridge-cmd", bridge],
      { FAULTY_BRIDGE_TRUTH: truthFile, FAULTY_BRIDGE_SEED: "42", FAULTY_BRIDGE_RATE: "0.03" },
    );
    // The faults make the expectations fail: exit 1, not 2.
    expect(result.code, result.stderr).toBe(1);
    const runDir = /(\S+)\/result\.json/.exec(result.stdout)?.[1];
    expect(runDir).toBeDefined();
    const run = JSON.parse(readFileSync(join(runDir!, "result.json"), "utf8")) as RunResult;
    const truth = JSON.parse(readFileSync(truthFile, "utf8")) as Record<string, { delivered: number; lost: number; duplicates: number; reordered: number; corrupted: number }>;
    let anomalies = 0;
    for (const level of ["0", "1", "2"] as const) {
      const observed = run.qos[level]!;
      const expected = truth[level]!;
      expect({ level, delivered: observed.delivered, lost: observed.lostAcked + observed.lostUnacked, duplicates: observed.duplicates, reordered: observed.reordered, corrupted: observed.corrupted }).toEqual({ level, ...expected });
      if (level !== "0") expect(observed.lostUnacked).toBe(0);
      else expect(observed.lostAcked).toBe(0);
      anomalies += expected.lost + expected.duplicates + expected.reordered + expected.corrupted;
    }
    // The seeded set is not empty: the test would prove nothing otherwise.
    expect(anomalies).toBeGreaterThan(20);
    expect(run.pass).toBe(false);
  }, 240_000);
});

describe("losslab run: configuration errors", () => {
  it("exits 2 and names the bad field of a malformed scenario file", async () => {
    const result = await runCli(["run", join("test", "fixtures", "scenarios", "malformed.yaml")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/malformed\.yaml: .*workload\.publishers/);
  });

  it("exits 2 on an unknown scenario name and lists the known ones", async () => {
    const result = await runCli(["run", "no-such-scenario"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("baseline");
  });
});
