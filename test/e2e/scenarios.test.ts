/**
 * The scenario library, run for real on the native runtime. Each broken variant must show the loss it
 * reproduces; each fixed variant must not. The counts differ from run to run; the direction must not.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../harness/scenario/load.js";
import { resolveScenario } from "../../harness/scenario/resolve.js";
import { runScenario, type RunOutcome } from "../../harness/run.js";
import type { QosResult } from "../../harness/result.js";

const outDir = mkdtempSync(join(tmpdir(), "losslab-library-"));

async function run(name: string): Promise<RunOutcome> {
  return runScenario(resolveScenario(await loadScenario(name), { seed: 1 }), { outDir });
}

function qos(outcome: RunOutcome, level: "0" | "1" | "2"): QosResult {
  const result = outcome.result.qos[level];
  expect(result, `qos ${level} measured`).toBeDefined();
  return result!;
}

const lostAcked = (outcome: RunOutcome): number => qos(outcome, "1").lostAcked + qos(outcome, "2").lostAcked;

describe("scenario library (native runtime)", { timeout: 240_000 }, () => {
  it("qos0-connection-resets: QoS 0 loses, QoS 1/2 with persistent sessions lose nothing acknowledged", async () => {
    const outcome = await run("qos0-connection-resets");
    expect(qos(outcome, "0").lostUnacked).toBeGreaterThan(0);
    expect(lostAcked(outcome)).toBe(0);
    expect(outcome.result.faults.filter((fault) => fault.kind === "reset_peer").length).toBeGreaterThanOrEqual(3);
    expect(outcome.result.pass).toBe(false);
  });

  it("mosquitto-qos2-inflight-quota / -unlimited: QoS 2 refused for quota looks acknowledged to an MQTT 3.1.1 publisher", async () => {
    const quota = await run("mosquitto-qos2-inflight-quota");
    const lost = qos(quota, "2").lostAcked;
    expect(lost).toBeGreaterThan(0);
    // Every message lost after PUBCOMP is one Mosquitto refused with PUBREC reason 0x97 (quota exceeded).
    const log = readFileSync(join(quota.runDir, "env", "mosquitto", "mosquitto.log"), "utf8");
    expect(log.match(/Sending PUBREC to \S+ \(m\d+, rc151\)/g)?.length ?? 0).toBe(lost);
    const unlimited = await run("mosquitto-qos2-inflight-unlimited");
    expect(qos(unlimited, "2").lostAcked).toBe(0);
    expect(qos(unlimited, "2").delivered).toBe(qos(unlimited, "2").sent);
    expect(unlimited.result.pass).toBe(true);
  });

  it("mosquitto-crash-no-persistence: kill -9 loses acknowledged QoS 1/2 messages", async () => {
    const outcome = await run("mosquitto-crash-no-persistence");
    expect(lostAcked(outcome)).toBeGreaterThan(0);
    expect(outcome.result.faults.some((fault) => fault.kind === "kill" && fault.target === "mosquitto" && fault.endMs !== null)).toBe(true);
  });

  it("mosquitto-graceful-stop: a SIGTERM'd Mosquitto with persistence keeps its queue", async () => {
    const outcome = await run("mosquitto-graceful-stop");
    expect(lostAcked(outcome)).toBe(0);
    expect(outcome.result.pass).toBe(true);
  });

  it("mosquitto-queue-overflow / -tuned: the default max_queued_messages drops acknowledged messages, no limit does not", async () => {
    const overflow = await run("mosquitto-queue-overflow");
    expect(lostAcked(overflow)).toBeGreaterThan(0);
    const tuned = await run("mosquitto-queue-tuned");
    expect(lostAcked(tuned)).toBe(0);
    expect(tuned.result.pass).toBe(true);
  });

  it("kafka-crash-at-most-once / -at-least-once: acking on receipt loses, acking after the write does not", async () => {
    const atMostOnce = await run("kafka-crash-at-most-once");
    expect(lostAcked(atMostOnce)).toBeGreaterThan(0);
    const atLeastOnce = await run("kafka-crash-at-least-once");
    expect(lostAcked(atLeastOnce)).toBe(0);
    expect(atLeastOnce.result.pass).toBe(true);
  });

  it("bridge-crash-clean-session / -persistent-session: only a persistent session survives a bridge crash", async () => {
    const clean = await run("bridge-crash-clean-session");
    expect(lostAcked(clean)).toBeGreaterThan(0);
    const persistent = await run("bridge-crash-persistent-session");
    expect(lostAcked(persistent)).toBe(0);
    expect(persistent.result.pass).toBe(true);
  });

  it("kafka-failover-acks-all: a killed leader of a RF 3 / min.insync 2 topic loses nothing acknowledged", async () => {
    const outcome = await run("kafka-failover-acks-all");
    expect(lostAcked(outcome)).toBe(0);
    expect(outcome.result.faults.some((fault) => fault.target === "kafka-1" && fault.endMs !== null)).toBe(true);
    expect(outcome.result.pass).toBe(true);
  });

  it("serialization-bug / -bytes: binary payloads re-encoded as text arrive corrupted, copied bytes arrive intact", async () => {
    const bug = await run("serialization-bug");
    for (const level of ["0", "1", "2"] as const) {
      expect(qos(bug, level).corrupted).toBe(qos(bug, level).sent);
      expect(qos(bug, level).delivered).toBe(0);
    }
    const bytes = await run("serialization-bytes");
    for (const level of ["0", "1", "2"] as const) expect(qos(bytes, level).corrupted).toBe(0);
    expect(bytes.result.pass).toBe(true);
  });

  it("kafka-retention: records deleted before they were read are lost, and the log start offset says why", async () => {
    const outcome = await run("kafka-retention");
    expect(qos(outcome, "1").lostAcked).toBeGreaterThan(0);
    expect(outcome.warnings.some((warning) => /log start offset moved/.test(warning))).toBe(true);
  });
});
