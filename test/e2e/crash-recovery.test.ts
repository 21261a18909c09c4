/**
 * A crashed run can still be reconciled: losslab killed with SIGKILL mid-run leaves its ledger on disk and its
 * brokers running (they are in their own process groups); `losslab reconcile <run dir>` reads Kafka again and
 * `losslab env down` sweeps the orphans.
 */
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { processesMatching, runCli, spawnCli } from "../support/cli.js";

describe("reconciling a crashed run", () => {
  it("rebuilds the ledger from the run folder and reconciles it against Kafka", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "losslab-crash-"));
    const child = spawnCli(["run", "baseline", "--duration", "60s", "--quiet", "--out", outDir]);
    const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
    let runDir = "";
    try {
      // Wait until the run has published for a few seconds.
      for (let waited = 0; waited < 90_000 && !runDir; waited += 500) {
        await sleep(500);
        const base = join(outDir, "baseline");
        const runs = existsSync(base) ? readdirSync(base) : [];
        if (runs[0] && existsSync(join(base, runs[0], "ledger.bin"))) runDir = join(base, runs[0]);
      }
      expect(runDir).not.toBe("");
      await sleep(5_000);
      child.kill("SIGKILL");
      await exited;
      expect((await processesMatching(runDir)).length).toBeGreaterThan(0);

      const result = await runCli(["reconcile", runDir]);
      expect(result.code, result.stderr).toBe(0);
      const row = (level: string): number[] => {
        const line = result.stdout.split("\n").find((candidate) => candidate.trim().startsWith(`${level} `));
        return (line ?? "").trim().split(/\s+/).map(Number);
      };
      for (const level of ["1", "2"]) {
        const [, sent, acked, delivered] = row(level);
        expect(sent).toBeGreaterThan(100);
        expect(acked).toBeGreaterThan(100);
        expect(delivered).toBeGreaterThan(100);
      }
    } finally {
      child.kill("SIGKILL");
      const down = await runCli(["env", "down"]);
      expect(down.code).toBe(0);
    }
    expect(await processesMatching(runDir || outDir)).toEqual([]);
  }, 240_000);
});
