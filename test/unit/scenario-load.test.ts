import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { LosslabError } from "../../harness/errors.js";
import { defaultScenariosDir, listScenarios, loadScenario } from "../../harness/scenario/load.js";
import { resolveScenario } from "../../harness/scenario/resolve.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/scenarios/", import.meta.url));
const BUILTIN = path.join(FIXTURES, "builtin");
const REPO = fileURLToPath(new URL("../../", import.meta.url));

async function loadError(nameOrPath: string, options = {}): Promise<LosslabError> {
  try {
    await loadScenario(nameOrPath, { cwd: REPO, ...options });
  } catch (error) {
    if (error instanceof LosslabError) return error;
    throw error;
  }
  throw new Error(`expected ${nameOrPath} to fail`);
}

describe("loadScenario from files", () => {
  it("loads a .ts scenario (tsx) with the kill shorthand", async () => {
    const scenario = await loadScenario(path.join(FIXTURES, "good.ts"));
    expect(scenario.name).toBe("fixture-good-ts");
    expect(resolveScenario(scenario).faults[0]).toMatchObject({ kind: "process", target: "mosquitto", action: "kill", forMs: 3_000 });
  });

  it("loads a .json scenario", async () => {
    const scenario = await loadScenario("test/fixtures/scenarios/good.json", { cwd: REPO });
    expect(scenario.name).toBe("fixture-good-json");
    expect(resolveScenario(scenario).workload).toMatchObject({ durationMs: 5_000, rate: { shape: "ramp", from: 100, to: 400 } });
  });

  it("loads a .yaml scenario", async () => {
    const scenario = await loadScenario("./test/fixtures/scenarios/good.yaml", { cwd: REPO });
    expect(scenario.name).toBe("fixture-good-yaml");
    const resolved = resolveScenario(scenario);
    expect(resolved.faults).toHaveLength(2);
    expect(resolved.faults[1]).toMatchObject({ target: "kafka-2", action: "pause", forMs: 2_000 });
  });

  it("a malformed .ts names the file and the field", async () => {
    const error = await loadError("test/fixtures/scenarios/malformed.ts");
    expect(error.code).toBe("SCENARIO_INVALID");
    expect(error.message).toBe("test/fixtures/scenarios/malformed.ts: workload.publishers: expected number, received string");
  });

  it("a malformed .json lists all problems", async () => {
    const error = await loadError("test/fixtures/scenarios/malformed.json");
    expect(error.code).toBe("SCENARIO_INVALID");
    expect(error.message).toBe(
      "test/fixtures/scenarios/malformed.json: workload.ratePerSecond: expected more than 0, received -10 (and 1 more, listed below)",
    );
    expect(error.details).toEqual([
      "workload.ratePerSecond: expected more than 0, received -10",
      'faults[0].toxic: expected one of "latency", "bandwidth", "timeout", "reset_peer", "slicer", "limit_data", "down", received "packet_loss"',
    ]);
  });

  it("a malformed .yaml lists all problems", async () => {
    const error = await loadError("test/fixtures/scenarios/malformed.yaml");
    expect(error.details).toEqual([
      "workload.publishers: expected number, received string",
      "workload.qos[2]: expected one of 0, 1, 2, received 3",
      'workload.publisher: unknown key (did you mean "publishers"?)',
    ]);
  });

  it("a YAML syntax error says where", async () => {
    const error = await loadError("test/fixtures/scenarios/invalid-syntax.yaml");
    expect(error.code).toBe("SCENARIO_INVALID");
    expect(error.message).toMatch(/^test\/fixtures\/scenarios\/invalid-syntax\.yaml: invalid YAML: .* at line 3, column 15$/);
  });

  it("a module without a default export", async () => {
    const error = await loadError("test/fixtures/scenarios/no-default.ts");
    expect(error.message).toBe(
      "test/fixtures/scenarios/no-default.ts: no default export (expected export default defineScenario({ … }))",
    );
  });

  it("a missing file and an unsupported extension", async () => {
    expect((await loadError("test/fixtures/scenarios/nope.yaml")).code).toBe("SCENARIO_NOT_FOUND");
    const error = await loadError("notes/scenario.txt");
    expect(error.message).toBe("notes/scenario.txt: a scenario file ends in .ts, .mts, .js, .mjs, .json, .yaml, .yml");
  });

  describe("outside the package", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "losslab-scenario-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("loads a .ts compiled as CommonJS and a .mjs", async () => {
      writeFileSync(path.join(dir, "cjs.ts"), 'export default { name: "outside-ts", workload: { duration: "1s" } };\n');
      writeFileSync(path.join(dir, "esm.mjs"), 'export default { name: "outside-mjs" };\n');
      expect((await loadScenario(path.join(dir, "cjs.ts"))).name).toBe("outside-ts");
      expect((await loadScenario(path.join(dir, "esm.mjs"))).name).toBe("outside-mjs");
    });

    it("a module that throws is SCENARIO_INVALID with the cause", async () => {
      writeFileSync(path.join(dir, "throws.mjs"), 'throw new Error("boom");\n');
      const error = await loadError(path.join(dir, "throws.mjs"));
      expect(error.code).toBe("SCENARIO_INVALID");
      expect(error.message).toBe(`${path.join(dir, "throws.mjs")}: cannot be loaded: boom`);
    });
  });
});

describe("built-in scenarios", () => {
  it("finds a built-in by name, in any supported format", async () => {
    expect((await loadScenario("alpha", { scenariosDir: BUILTIN })).name).toBe("alpha");
    expect((await loadScenario("beta", { scenariosDir: BUILTIN })).description).toBe("Second fixture built-in.");
  });

  it("an unknown name lists the known ones", async () => {
    const error = await loadError("alpah", { scenariosDir: BUILTIN });
    expect(error.code).toBe("SCENARIO_NOT_FOUND");
    expect(error.message).toBe('unknown scenario "alpah" (did you mean "alpha"? built-in scenarios: alpha, beta, broken)');
    expect(error.details).toEqual(["alpha", "beta", "broken"]);
  });

  it("listScenarios: names, descriptions, and the broken ones flagged", async () => {
    const list = await listScenarios(BUILTIN);
    expect(list.map(({ name, description }) => ({ name, description }))).toEqual([
      { name: "alpha", description: "First fixture built-in." },
      { name: "beta", description: "Second fixture built-in." },
      { name: "broken", description: "" },
    ]);
    expect(list[2]?.error).toMatch(/^SCENARIO_INVALID: .*broken\.json: workload\.qos: expected at least 1 item$/);
  });

  it("the package's own scenarios include baseline", async () => {
    expect(defaultScenariosDir()).toBe(path.join(REPO, "scenarios") + path.sep);
    const baseline = await loadScenario("baseline");
    const resolved = resolveScenario(baseline);
    expect(resolved.workload).toMatchObject({ qos: [0, 1, 2], durationMs: 10_000 });
    expect(resolved.faults).toEqual([]);
    const list = await listScenarios();
    expect(list.find((s) => s.name === "baseline")).toMatchObject({ description: expect.stringContaining("No faults") });
    expect(list.every((s) => s.error === undefined)).toBe(true);
  });
});
