/** `losslab env up` interrupted by SIGINT leaves nothing behind; `doctor` and `env down` work. */
import { describe, expect, it } from "vitest";
import { mqttAnswers } from "../../harness/env/native/environment.js";
import { liveBrokerCount } from "../../harness/kafka/client.js";
import type { Endpoints } from "../../harness/env/environment.js";
import { processesMatching, runCli, spawnCli } from "../support/cli.js";

interface UpLine {
  endpoints: Endpoints;
  workDir: string;
}

function waitForJsonLine(child: ReturnType<typeof spawnCli>, timeoutMs: number): Promise<UpLine> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    let stderr = "";
    const timer = setTimeout(() => reject(new Error(`env up printed no endpoints within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split("\n").find((candidate) => candidate.startsWith("{"));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as UpLine);
      }
    });
    child.on("close", (code) => reject(new Error(`env up exited with ${code}: ${stderr}`)));
  });
}

describe("losslab env up / SIGINT", () => {
  it("serves the endpoints until SIGINT, then stops every process it started", async () => {
    const child = spawnCli(["env", "up", "--json"]);
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    try {
      const up = await waitForJsonLine(child, 120_000);
      expect(await mqttAnswers(up.endpoints.mqtt.publish)).toBe(true);
      expect(await liveBrokerCount(up.endpoints.kafka.direct)).toBe(1);
      expect((await processesMatching(up.workDir)).length).toBeGreaterThanOrEqual(2);
      child.kill("SIGINT");
      expect(await exited).toBe(130);
      expect(await processesMatching(up.workDir)).toEqual([]);
      await expect(fetch(up.endpoints.toxiproxy + "/version")).rejects.toThrow();
    } finally {
      child.kill("SIGKILL");
    }
  }, 180_000);

  it("env down stops an environment left running by another process", async () => {
    const child = spawnCli(["env", "up", "--json"]);
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    try {
      const up = await waitForJsonLine(child, 120_000);
      const down = await runCli(["env", "down"]);
      expect(down.code).toBe(0);
      expect(await exited).not.toBeNull();
      expect(await processesMatching(up.workDir)).toEqual([]);
    } finally {
      child.kill("SIGKILL");
    }
  }, 180_000);
});

describe("losslab setup", () => {
  it("names a missing prerequisite in one line and exits 2, before installing anything", async () => {
    const { mkdtempSync, symlinkSync, existsSync } = await import("node:fs");
    const { execFileSync } = await import("node:child_process");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    // A PATH with java and mvn but no go, and an empty cache.
    const bin = mkdtempSync(join(tmpdir(), "losslab-path-"));
    for (const tool of ["java", "mvn"]) symlinkSync(execFileSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim(), join(bin, tool));
    const home = join(mkdtempSync(join(tmpdir(), "losslab-home-")), "cache");
    const result = await runCli(["setup"], { PATH: bin, LOSSLAB_HOME: home });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^losslab: go not found: install Go/)]);
    expect(existsSync(join(home, "kafka"))).toBe(false);
  });
});

describe("losslab doctor", () => {
  it("lists the components with their versions", async () => {
    const result = await runCli(["doctor", "--json"]);
    const checks = JSON.parse(result.stdout) as { name: string; ok: boolean; detail: string }[];
    const byName = Object.fromEntries(checks.map((check) => [check.name, check]));
    expect(byName.mosquitto?.ok).toBe(true);
    expect(byName.kafka?.detail).toMatch(/3\.9\.1/);
    expect(byName.toxiproxy?.ok).toBe(true);
    expect(byName.containers?.detail).toMatch(/usable|missing|Docker engine/);
    expect(result.code).toBe(0);
  }, 60_000);
});
