import { mkdtemp, readFile, rm, stat, truncate, writeFile, appendFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { isLosslabError } from "../../harness/errors.js";
import { EVENTS_FILE, Ledger, META_FILE, OUTCOME_CODE, RECORDS_FILE, RECORD_BYTES, type PublisherDecl } from "../../harness/ledger/index.js";

const PUBLISHERS: PublisherDecl[] = [
  { id: 0, qos: 0, clientId: "p0" },
  { id: 1, qos: 1, clientId: "p1", topic: "losslab/run/1" },
  { id: 7, qos: 2, clientId: "p7" },
];
const T0 = 1_764_070_000_000;

let dir: string;
beforeEach(async () => {
  dir = path.join(await mkdtemp(path.join(os.tmpdir(), "losslab-ledger-")), "run");
});
afterEach(async () => {
  await rm(path.dirname(dir), { recursive: true, force: true });
});

function create(extra: { flushIntervalMs?: number } = {}): Promise<Ledger> {
  return Ledger.create({ dir, runId: "run-1", scenario: "baseline", seed: 42, publishers: PUBLISHERS, startedAtMs: T0, ...extra });
}

/** A small history: publisher 0 (QoS 0) all unknown; 1 mixed; 7 grows past the initial capacity. */
function play(ledger: Ledger): void {
  for (let seq = 0; seq < 50; seq++) {
    ledger.sent(0, seq, T0 + seq);
    ledger.outcome(0, seq, "unknown", T0 + seq);
  }
  for (let seq = 0; seq < 100; seq++) ledger.sent(1, seq, T0 + 0.5 * seq);
  for (let seq = 0; seq < 100; seq++) {
    if (seq % 10 === 3) ledger.outcome(1, seq, "failed", T0 + 1000 + seq);
    else if (seq < 95) ledger.outcome(1, seq, "acked", T0 + 1000 + seq);
    // 95…99 stay pending
  }
  for (let seq = 0; seq < 5000; seq++) {
    ledger.sent(7, seq, T0 + seq * 0.25);
    ledger.outcome(7, seq, "acked", T0 + seq * 0.25 + 3.125);
  }
  const fault = ledger.fault({ kind: "reset_peer", target: "mqtt-pub", startMs: 5000, endMs: null, detail: { timeout: 0 } });
  ledger.fault({ kind: "latency", target: "kafka-bridge", startMs: 6000, endMs: 7000 });
  ledger.faultEnded(fault, 15_000);
  ledger.note("bridge-restarts", { count: 2 }, 1234);
  ledger.setStartOffsets("losslab.run-1", { 0: "0", 1: "17" });
  ledger.setEndOffsets("losslab.run-1", { "0": "2500", "1": "2617" });
}

describe("Ledger", () => {
  it("writes ledger.json once, at creation", async () => {
    await using ledger = await create();
    const meta = JSON.parse(await readFile(path.join(dir, META_FILE), "utf8")) as unknown;
    expect(meta).toEqual({ schema: "losslab/ledger@1", runId: "run-1", scenario: "baseline", seed: 42, startedAtMs: T0, publishers: PUBLISHERS });
    expect(ledger.meta).toEqual(meta);
  });

  it("keeps outcomes per (publisher, seq) in typed arrays", async () => {
    await using ledger = await create();
    play(ledger);
    const snap = ledger.snapshot();
    const [p0, p1, p7] = snap.publishers;
    expect(p0).toMatchObject({ id: 0, qos: 0, clientId: "p0", count: 50 });
    expect(p0!.codes.every((c) => c === OUTCOME_CODE.unknown)).toBe(true);
    expect(p1!.count).toBe(100);
    expect(p1!.codes[0]).toBe(OUTCOME_CODE.acked);
    expect(p1!.codes[13]).toBe(OUTCOME_CODE.failed);
    expect(p1!.codes[97]).toBe(OUTCOME_CODE.pending);
    expect(p1!.publishTimes[10]).toBe(T0 + 5);
    expect(p1!.outcomeTimes[10]).toBe(T0 + 1010);
    expect(p7!.count).toBe(5000);
    expect(p7!.codes).toBeInstanceOf(Uint8Array);
    expect(p7!.outcomeTimes[4999]).toBe(T0 + 4999 * 0.25 + 3.125);
    expect(snap.faults).toEqual([
      { kind: "reset_peer", target: "mqtt-pub", startMs: 5000, endMs: 15_000, detail: { timeout: 0 } },
      { kind: "latency", target: "kafka-bridge", startMs: 6000, endMs: 7000 },
    ]);
    expect(snap.notes).toEqual([{ kind: "bridge-restarts", atMs: 1234, data: { count: 2 } }]);
    expect(snap.startOffsets).toEqual({ "losslab.run-1": { "0": "0", "1": "17" } });
    expect(snap.endOffsets).toEqual({ "losslab.run-1": { "0": "2500", "1": "2617" } });
    expect(snap.complete).toBe(false);
  });

  it("never undoes an ack; a re-send of a failed publish is pending again", async () => {
    await using ledger = await create();
    ledger.sent(1, 0, T0);
    ledger.outcome(1, 0, "acked", T0 + 1);
    ledger.outcome(1, 0, "unknown", T0 + 2);
    ledger.sent(1, 0, T0 + 3);
    ledger.sent(1, 1, T0);
    ledger.outcome(1, 1, "failed", T0 + 1);
    ledger.sent(1, 1, T0 + 5);
    const p1 = ledger.snapshot().publishers[1]!;
    expect([...p1.codes]).toEqual([OUTCOME_CODE.acked, OUTCOME_CODE.pending]);
    expect([...p1.publishTimes]).toEqual([T0, T0]); // the first send's time
    expect(p1.outcomeTimes[0]).toBe(T0 + 1);
  });

  it("round-trips: load gives the same state as the live ledger", async () => {
    const ledger = await create();
    play(ledger);
    await ledger.close();
    const live = ledger.snapshot();
    expect(live.complete).toBe(true);
    const loaded = await Ledger.load(dir);
    expect(loaded).toEqual(live);
    expect(loaded.damage).toEqual({ truncatedRecordBytes: 0, badRecords: 0, badEventLines: 0 });
    expect((await stat(path.join(dir, RECORDS_FILE))).size).toBe((50 + 50 + 100 + 95 + 10_000) * RECORD_BYTES);
  });

  it("can be reconciled after a crash: flushed state loads, incomplete", async () => {
    const ledger = await create();
    play(ledger);
    await ledger.flush();
    const live = ledger.snapshot();
    const loaded = await Ledger.load(dir);
    expect(loaded.complete).toBe(false);
    expect(loaded).toEqual(live);
    await ledger.close();
  });

  it("writes batches in the background without flush()", async () => {
    const ledger = await create({ flushIntervalMs: 10 });
    ledger.sent(1, 0, T0);
    ledger.note("hello", 1);
    await sleep(100);
    expect((await stat(path.join(dir, RECORDS_FILE))).size).toBe(RECORD_BYTES);
    expect(await readFile(path.join(dir, EVENTS_FILE), "utf8")).toContain('"kind":"hello"');
    await ledger.close();
  });

  it("tolerates a cut last record and a cut last event line", async () => {
    const ledger = await create();
    play(ledger);
    await ledger.flush();
    const before = ledger.snapshot();
    await ledger.close();
    const recordsPath = path.join(dir, RECORDS_FILE);
    const size = (await stat(recordsPath)).size;
    await truncate(recordsPath, size - 5); // the last record (7, 4999, acked) is cut
    await appendFile(path.join(dir, EVENTS_FILE), '{"type":"note","kind":"cut in the mid');

    const loaded = await Ledger.load(dir);
    expect(loaded.damage).toEqual({ truncatedRecordBytes: RECORD_BYTES - 5, badRecords: 0, badEventLines: 1 });
    const p7 = loaded.publishers[2]!;
    expect(p7.codes[4999]).toBe(OUTCOME_CODE.pending);
    expect(p7.codes.subarray(0, 4999)).toEqual(before.publishers[2]!.codes.subarray(0, 4999));
    expect(loaded.publishers.slice(0, 2)).toEqual(before.publishers.slice(0, 2));
    expect(loaded.faults).toEqual(before.faults);
  });

  it("skips records that are not records (zeroed tail after a power loss)", async () => {
    const ledger = await create();
    ledger.sent(1, 0, T0);
    await ledger.close();
    await appendFile(path.join(dir, RECORDS_FILE), Buffer.alloc(RECORD_BYTES * 3));
    const loaded = await Ledger.load(dir);
    expect(loaded.damage.badRecords).toBe(3);
    expect([...loaded.publishers[1]!.codes]).toEqual([OUTCOME_CODE.pending]);
  });

  it("loads a ledger whose data files are missing", async () => {
    const ledger = await create();
    await ledger.close();
    await rm(path.join(dir, RECORDS_FILE));
    await rm(path.join(dir, EVENTS_FILE));
    const loaded = await Ledger.load(dir);
    expect(loaded.publishers.map((p) => p.count)).toEqual([0, 0, 0]);
    expect(loaded.complete).toBe(false);
  });

  it("fails with LEDGER_IO on a folder without a ledger, or with a damaged ledger.json", async () => {
    await expect(Ledger.load(dir)).rejects.toSatisfy((e) => isLosslabError(e, "LEDGER_IO") && /no ledger in/.test(e.message));
    const ledger = await create();
    await ledger.close();
    await writeFile(path.join(dir, META_FILE), '{"schema":"something else"}');
    await expect(Ledger.load(dir)).rejects.toSatisfy((e) => isLosslabError(e, "LEDGER_IO") && /is not a losslab ledger/.test(e.message));
  });

  it("refuses a folder that already holds a ledger", async () => {
    const first = await create();
    await first.close();
    await expect(create()).rejects.toSatisfy(
      (e) => isLosslabError(e, "LEDGER_IO") && e.details.some((line) => line.includes("fresh run folder")),
    );
  });

  it("rejects bad declarations and calls", async () => {
    await expect(
      Ledger.create({ dir, runId: "r", scenario: "s", seed: 1, publishers: [PUBLISHERS[0]!, PUBLISHERS[0]!] }),
    ).rejects.toThrow("publisher id 0 is declared twice");
    await expect(
      Ledger.create({ dir, runId: "r", scenario: "s", seed: 1, publishers: [{ id: 70_000, qos: 1, clientId: "x" }] }),
    ).rejects.toThrow(/invalid ledger options at publishers\.0\.id/);
    await using ledger = await create();
    expect(() => ledger.sent(3, 0, T0)).toThrow("publisher 3 was not declared in the ledger");
    expect(() => ledger.sent(1, -1, T0)).toThrow(/seq must be an integer/);
    expect(() => ledger.outcome(1, 2 ** 32, "acked", T0)).toThrow(/seq must be an integer/);
  });

  it("ignores and counts events after close", async () => {
    const ledger = await create();
    await ledger.close();
    ledger.outcome(1, 0, "acked", T0);
    ledger.note("late");
    expect(ledger.lateEvents).toBe(2);
    await ledger.close(); // idempotent
    expect((await Ledger.load(dir)).notes).toEqual([]);
  });

  it("costs well under a microsecond per event", async () => {
    await using ledger = await create();
    const n = 1_000_000;
    const start = performance.now();
    for (let seq = 0; seq < n; seq++) {
      ledger.sent(1, seq, T0 + seq);
      ledger.outcome(1, seq, "acked", T0 + seq + 1);
    }
    const nsPerEvent = ((performance.now() - start) * 1e6) / (2 * n);
    await ledger.flush();
    expect((await stat(path.join(dir, RECORDS_FILE))).size).toBe(2 * n * RECORD_BYTES);
    expect(nsPerEvent).toBeLessThan(1000);
  });
});
