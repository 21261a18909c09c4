/** losslab compare: regressions per scenario and QoS level, and the exit codes nightly runs rely on. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareResults } from "../../harness/report/compare.js";
import type { RunResult } from "../../harness/result.js";
import { ROOT, runCli } from "../support/cli.js";

const baselineFile = join(ROOT, "test", "fixtures", "runs", "baseline", "result.json");
const baseline = JSON.parse(readFileSync(baselineFile, "utf8")) as RunResult;

function variant(change: (result: RunResult) => void): string {
  const copy = structuredClone(baseline);
  change(copy);
  const file = join(mkdtempSync(join(tmpdir(), "losslab-compare-")), "result.json");
  writeFileSync(file, JSON.stringify(copy));
  return file;
}

describe("compareResults", () => {
  it("finds nothing when the results are equal", () => {
    const comparison = compareResults([baseline], [baseline]);
    expect(comparison.regressions).toEqual([]);
    expect(comparison.rows.every((row) => row.status === "same")).toBe(true);
  });

  it("flags more acknowledged loss as a regression, as a rate of what was sent", () => {
    const worse = structuredClone(baseline);
    worse.qos["1"]!.lostAcked = 10;
    const comparison = compareResults([baseline], [worse]);
    expect(comparison.regressions.map((row) => `${row.qos} ${row.metric}`)).toEqual(["1 lostAcked rate"]);
  });

  it("flags a p99 latency beyond the relative tolerance, and calls a faster one an improvement", () => {
    const slower = structuredClone(baseline);
    slower.qos["2"]!.latencyMs.p99 = baseline.qos["2"]!.latencyMs.p99 * 3;
    expect(compareResults([baseline], [slower]).regressions.map((row) => row.metric)).toEqual(["p99 latency ms"]);
    const faster = structuredClone(baseline);
    faster.qos["2"]!.latencyMs.p99 = 1;
    const comparison = compareResults([baseline], [faster]);
    expect(comparison.regressions).toEqual([]);
    expect(comparison.rows.find((row) => row.qos === "2" && row.metric === "p99 latency ms")?.status).toBe("improvement");
  });

  it("reports scenarios and levels found on one side only", () => {
    const fewer = structuredClone(baseline);
    delete fewer.qos["0"];
    expect(compareResults([baseline], [fewer]).unmatched).toEqual(["baseline qos0: only in the baseline"]);
  });
});

describe("losslab compare (exit codes)", () => {
  it("exits 0 when equal or better", async () => {
    expect((await runCli(["compare", baselineFile, baselineFile])).code).toBe(0);
    const better = variant((result) => (result.qos["2"]!.latencyMs.p99 = 1));
    const output = await runCli(["compare", baselineFile, better]);
    expect(output.code).toBe(0);
    expect(output.stdout).toContain("✓ better");
  });

  it("exits 1 on a regression and names it", async () => {
    const worse = variant((result) => (result.qos["1"]!.duplicates = 50));
    const output = await runCli(["compare", baselineFile, worse]);
    expect(output.code).toBe(1);
    expect(output.stdout).toMatch(/baseline\s+1\s+duplicates rate.*✗ worse/);
  });

  it("exits 2 on a missing file", async () => {
    expect((await runCli(["compare", baselineFile, "/nonexistent/result.json"])).code).toBe(2);
  });
});
