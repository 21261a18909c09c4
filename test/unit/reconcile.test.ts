import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { Ledger, OUTCOME_CODE } from "../../harness/ledger/index.js";
import { Reconciler, reconcile, type KafkaRecord, type LedgerView } from "../../harness/reconcile/index.js";
import type { QosLevel, QosResult } from "../../harness/result.js";
import { encodeEnvelope } from "../../harness/workload/envelope.js";

const RUN = "run-rec-1";
const T0 = 1_764_070_000_000;
const { notSent: N, pending: P, acked: A, failed: F, unknown: U } = OUTCOME_CODE;

function ledgerOf(publishers: { id: number; qos: QosLevel; codes: number[] }[]): LedgerView {
  return {
    runId: RUN,
    startedAtMs: T0,
    publishers: publishers.map((p) => ({
      id: p.id,
      qos: p.qos,
      clientId: `c${p.id}`,
      codes: Uint8Array.from(p.codes),
      publishTimes: Float64Array.from(p.codes, (_, seq) => T0 + 1000 + seq),
    })),
  };
}

/** Feeds records with consecutive offsets per partition. */
class Feed {
  private readonly next = new Map<number, number>();
  readonly records: KafkaRecord[] = [];

  constructor(private readonly reconciler?: Reconciler) {}

  value(partition: number, value: Buffer | null, timestampMs = T0 + 5000): KafkaRecord {
    const offset = this.next.get(partition) ?? 0;
    this.next.set(partition, offset + 1);
    const record: KafkaRecord = { partition, offset: String(offset), timestampMs, value };
    this.records.push(record);
    this.reconciler?.observe(record);
    return record;
  }

  envelope(partition: number, publisherId: number, seq: number, options: { qos?: QosLevel; runId?: string; t?: number; ts?: number } = {}): KafkaRecord {
    const t = options.t ?? T0 + 1000 + seq;
    const value = encodeEnvelope({ runId: options.runId ?? RUN, publisherId, seq, qos: options.qos ?? 1, publishTimeMs: t }, 128);
    return this.value(partition, value, options.ts ?? t + 10);
  }
}

function counts(q: QosResult | undefined): Omit<QosResult, "latencyMs"> {
  if (q === undefined) throw new Error("no result for this QoS");
  const { latencyMs: _latency, ...rest } = q;
  return rest;
}

const ZERO = { sent: 0, acked: 0, delivered: 0, lostAcked: 0, lostUnacked: 0, recovered: 0, duplicates: 0, reordered: 0, corrupted: 0, unexpected: 0 };

describe("Reconciler", () => {
  it("counts every outcome word exactly", () => {
    // seq:        0  1  2  3  4  5  6  7  8  9  10
    const codes = [A, A, A, A, A, A, F, U, P, A, N];
    const r = new Reconciler({ ledger: ledgerOf([{ id: 1, qos: 1, codes }]) });
    const feed = new Feed(r);
    for (const seq of [0, 1, 3, 2, 4, 6, 7]) feed.envelope(0, 1, seq); // 2 after 3: reordered
    feed.envelope(0, 1, 2); // a second copy of 2: duplicate only
    feed.envelope(0, 1, 10); // never sent (code 0)
    feed.envelope(0, 1, 11); // beyond what the ledger knows
    const out = r.finish();
    expect(Object.keys(out.qos)).toEqual(["1"]);
    expect(counts(out.qos["1"])).toEqual({
      sent: 10,
      acked: 7,
      delivered: 7,
      lostAcked: 2, // 5, 9
      lostUnacked: 1, // 8 (pending)
      recovered: 2, // 6 (failed), 7 (unknown)
      duplicates: 1,
      reordered: 1,
      corrupted: 0,
      unexpected: 2,
    });
    expect(out.records).toBe(10);
    expect(out.examples.lostAcked).toEqual([
      { publisher: 1, qos: 1, fromSeq: 5, toSeq: 5, count: 1, publishedAtMs: 1005 },
      { publisher: 1, qos: 1, fromSeq: 9, toSeq: 9, count: 1, publishedAtMs: 1009 },
    ]);
    expect(out.examples.lostUnacked).toEqual([{ publisher: 1, qos: 1, fromSeq: 8, toSeq: 8, count: 1, publishedAtMs: 1008 }]);
    expect(out.examples.reordered).toEqual([{ partition: 0, offset: "3", publisher: 1, qos: 1, seq: 2, previousMaxSeq: 3 }]);
    expect(out.examples.duplicates).toEqual([
      { publisher: 1, qos: 1, seq: 2, copies: 2, locations: [{ partition: 0, offset: "3" }, { partition: 0, offset: "7" }], firstLocated: true },
    ]);
    expect(out.examples.unexpected).toEqual([
      { partition: 0, offset: "8", publisher: 1, seq: 10, qos: 1, reason: "never-sent" },
      { partition: 0, offset: "9", publisher: 1, seq: 11, qos: 1, reason: "never-sent" },
    ]);
    expect(out.perPublisher).toEqual([{ publisher: 1, qos: 1, clientId: "c1", ...counts(out.qos["1"]) }]);
  });

  it("counts a duplicate of a lost-then-recovered message once as recovered and once as duplicate", () => {
    const r = new Reconciler({ ledger: ledgerOf([{ id: 0, qos: 1, codes: [A, F, A] }]) });
    const feed = new Feed(r);
    feed.envelope(0, 0, 0);
    feed.envelope(0, 0, 1);
    feed.envelope(0, 0, 2);
    feed.envelope(0, 0, 1); // redelivered by the bridge after a restart
    expect(counts(r.finish().qos["1"])).toEqual({ ...ZERO, sent: 3, acked: 2, delivered: 3, recovered: 1, duplicates: 1 });
  });

  it("counts a gap at the end as lost, acked and unacked apart, as ranges in the examples", () => {
    const acked = Array.from({ length: 100 }, () => A);
    const unacked = Array.from({ length: 100 }, (_, seq) => (seq < 95 ? A : U));
    const r = new Reconciler({ ledger: ledgerOf([{ id: 0, qos: 1, codes: acked }, { id: 1, qos: 2, codes: unacked }]) });
    const feed = new Feed(r);
    for (let seq = 0; seq < 90; seq++) {
      feed.envelope(0, 0, seq);
      feed.envelope(1, 1, seq, { qos: 2 });
    }
    const out = r.finish();
    expect(counts(out.qos["1"])).toEqual({ ...ZERO, sent: 100, acked: 100, delivered: 90, lostAcked: 10 });
    expect(counts(out.qos["2"])).toEqual({ ...ZERO, sent: 100, acked: 95, delivered: 90, lostAcked: 5, lostUnacked: 5 });
    expect(out.examples.lostAcked).toEqual([
      { publisher: 0, qos: 1, fromSeq: 90, toSeq: 99, count: 10, publishedAtMs: 1090 },
      { publisher: 1, qos: 2, fromSeq: 90, toSeq: 94, count: 5, publishedAtMs: 1090 },
    ]);
    expect(out.examples.lostUnacked).toEqual([{ publisher: 1, qos: 2, fromSeq: 95, toSeq: 99, count: 5, publishedAtMs: 1095 }]);
  });

  it("ignores records of another run, and counts foreign data apart", () => {
    const r = new Reconciler({ ledger: ledgerOf([{ id: 0, qos: 1, codes: [A, A] }]) });
    const feed = new Feed(r);
    feed.envelope(0, 0, 0);
    feed.envelope(0, 0, 1, { runId: "run-old" });
    feed.envelope(0, 0, 5, { runId: "run-old" });
    feed.value(0, Buffer.from('{"temperature":21}'));
    feed.value(0, Buffer.from("plain text"));
    feed.value(0, null); // tombstone
    const out = r.finish();
    expect(counts(out.qos["1"])).toEqual({ ...ZERO, sent: 2, acked: 2, delivered: 1, lostAcked: 1 });
    expect(out.ignoredOtherRun).toBe(2);
    expect(out.foreign).toBe(3);
    expect(out.records).toBe(6);
  });

  it("counts a flipped padding byte as corrupted, and its seq lost without a good copy", () => {
    const r = new Reconciler({ ledger: ledgerOf([{ id: 0, qos: 1, codes: [A, A, A] }]) });
    const feed = new Feed(r);
    feed.envelope(0, 0, 0);
    for (const seq of [1, 2]) {
      const bad = Buffer.from(encodeEnvelope({ runId: RUN, publisherId: 0, seq, qos: 1, publishTimeMs: T0 }, 128));
      bad[100] = bad[100]! ^ 0x02;
      feed.value(0, bad);
    }
    feed.envelope(0, 0, 2); // a good copy of 2 arrives later
    const out = r.finish();
    expect(counts(out.qos["1"])).toEqual({ ...ZERO, sent: 3, acked: 3, delivered: 2, lostAcked: 1, corrupted: 2 });
    expect(out.examples.lostAcked).toMatchObject([{ fromSeq: 1, toSeq: 1 }]);
    expect(out.examples.corrupted).toEqual([
      { partition: 0, offset: "1", publisher: 0, seq: 1, reason: expect.stringMatching(/^checksum mismatch/) as string },
      { partition: 0, offset: "2", publisher: 0, seq: 2, reason: expect.stringMatching(/^checksum mismatch/) as string },
    ]);
    // the good copy of 2 is a first copy, not a duplicate
    expect(out.examples.duplicates).toEqual([]);
  });

  it("counts bytes that cannot be parsed but carry this run's id as corrupted", () => {
    const r = new Reconciler({ ledger: ledgerOf([{ id: 0, qos: 1, codes: [A] }]) });
    const feed = new Feed(r);
    const cut = encodeEnvelope({ runId: RUN, publisherId: 0, seq: 0, qos: 1, publishTimeMs: T0 }, 128).subarray(0, 60);
    feed.value(3, cut);
    const out = r.finish();
    expect(counts(out.qos["1"])).toEqual({ ...ZERO, sent: 1, acked: 1, lostAcked: 1, corrupted: 1 });
    expect(out.examples.corrupted).toEqual([{ partition: 3, offset: "0", publisher: 0, seq: 0, reason: "not parseable as JSON" }]);
  });

  it("checks order within a partition only", () => {
    const codes = Array.from({ length: 10 }, () => A);
    const r = new Reconciler({ ledger: ledgerOf([{ id: 0, qos: 1, codes }]) });
    const feed = new Feed(r);
    feed.envelope(0, 0, 5);
    feed.envelope(1, 0, 3); // lower than 5, but in another partition: not reordered
    feed.envelope(1, 0, 4);
    feed.envelope(0, 0, 6);
    feed.envelope(0, 0, 2); // reordered in partition 0
    feed.envelope(1, 0, 1); // reordered in partition 1 (after 4)
    const out = r.finish();
    expect(out.qos["1"]!.reordered).toBe(2);
    expect(out.examples.reordered).toEqual([
      { partition: 0, offset: "2", publisher: 0, qos: 1, seq: 2, previousMaxSeq: 6 },
      { partition: 1, offset: "2", publisher: 0, qos: 1, seq: 1, previousMaxSeq: 4 },
    ]);
  });

  it("raises a partition's high-water seq with duplicates too", () => {
    const codes = Array.from({ length: 12 }, () => A);
    const r = new Reconciler({ ledger: ledgerOf([{ id: 0, qos: 1, codes }]) });
    const feed = new Feed(r);
    feed.envelope(0, 0, 10);
    feed.envelope(1, 0, 10); // duplicate, in partition 1
    feed.envelope(1, 0, 7); // first copy, below 10 already seen in partition 1
    const out = r.finish();
    expect(out.qos["1"]).toMatchObject({ duplicates: 1, reordered: 1 });
  });

  it("never counts QoS 0 as acked, whatever the ledger says", () => {
    const r = new Reconciler({ ledger: ledgerOf([{ id: 0, qos: 0, codes: [U, U, A, A] }]) });
    const feed = new Feed(r);
    feed.envelope(0, 0, 0, { qos: 0 });
    feed.envelope(0, 0, 2, { qos: 0 });
    const out = r.finish();
    expect(counts(out.qos["0"])).toEqual({ ...ZERO, sent: 4, delivered: 2, recovered: 2, lostUnacked: 2 });
    expect(out.examples.lostAcked).toEqual([]);
  });

  it("takes a record's QoS from the ledger, not from the payload", () => {
    const r = new Reconciler({ ledger: ledgerOf([{ id: 0, qos: 2, codes: [A] }, { id: 1, qos: 1, codes: [A] }]) });
    const feed = new Feed(r);
    feed.envelope(0, 0, 0, { qos: 0 });
    const out = r.finish();
    expect(out.qos["2"]).toMatchObject({ delivered: 1 });
    expect(out.qos["1"]).toMatchObject({ delivered: 0, lostAcked: 1 });
    expect(out.qos["0"]).toBeUndefined();
  });

  it("counts envelopes of unknown publishers as unexpected, under their QoS or unattributed", () => {
    const r = new Reconciler({ ledger: ledgerOf([{ id: 0, qos: 1, codes: [A] }, { id: 1, qos: 2, codes: [A] }]) });
    const feed = new Feed(r);
    feed.envelope(0, 9, 0, { qos: 2 });
    feed.envelope(0, 70_000, 0, { qos: 0 }); // QoS 0 is not in use: unattributed
    const out = r.finish();
    expect(out.qos["2"]!.unexpected).toBe(1);
    expect(out.qos["1"]!.unexpected).toBe(0);
    expect(out.unattributed).toEqual({ corrupted: 0, unexpected: 1 });
    expect(out.examples.unexpected.map((e) => [e.publisher, e.reason])).toEqual([
      [9, "unknown-publisher"],
      [70_000, "unknown-publisher"],
    ]);
  });

  it("puts corrupted records without a publisher under the only QoS in use, else unattributed", () => {
    const garbage = Buffer.from(`{"r":"${RUN}", broken`);
    const single = new Reconciler({ ledger: ledgerOf([{ id: 0, qos: 1, codes: [A] }]) });
    new Feed(single).value(0, garbage);
    expect(single.finish().qos["1"]!.corrupted).toBe(1);
    expect(single.finish().unattributed.corrupted).toBe(0);

    const two = new Reconciler({ ledger: ledgerOf([{ id: 0, qos: 1, codes: [A] }, { id: 1, qos: 0, codes: [U] }]) });
    new Feed(two).value(0, garbage);
    const out = two.finish();
    expect(out.qos["1"]!.corrupted + out.qos["0"]!.corrupted).toBe(0);
    expect(out.unattributed.corrupted).toBe(1);
  });

  it("measures latency on first copies, clamping clock skew", () => {
    const codes = Array.from({ length: 101 }, () => A);
    const r = new Reconciler({ ledger: ledgerOf([{ id: 0, qos: 1, codes }]) });
    const feed = new Feed(r);
    for (let seq = 1; seq <= 100; seq++) feed.envelope(0, 0, seq, { t: T0, ts: T0 + seq }); // 1…100 ms
    feed.envelope(0, 0, 50, { t: T0, ts: T0 + 10_000 }); // duplicate: not measured
    feed.envelope(0, 0, 0, { t: T0, ts: T0 - 3 }); // Kafka clock behind: 0, counted
    const out = r.finish();
    const latency = out.qos["1"]!.latencyMs;
    expect(latency.p50).toBeCloseTo(50, 1);
    expect(latency.p90).toBeCloseTo(90, 1);
    expect(latency.p99).toBeCloseTo(99, 1);
    expect(latency.max).toBeCloseTo(100, 1);
    expect(out.latency).toEqual({ negativeClamped: 1, missingTimestamp: 0 });
    expect(r.latencyHistograms()["1"]!.totalCount).toBe(101);
  });

  it("leaves records without a timestamp out of the latency", () => {
    const r = new Reconciler({ ledger: ledgerOf([{ id: 0, qos: 1, codes: [A] }]) });
    new Feed(r).envelope(0, 0, 0, { ts: -1 });
    const out = r.finish();
    expect(out.qos["1"]!.delivered).toBe(1);
    expect(out.qos["1"]!.latencyMs).toEqual({ p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
    expect(out.latency.missingTimestamp).toBe(1);
  });

  it("unwraps a bridge's wrapper with the scenario's extractor", () => {
    const extractor = (value: Buffer): Buffer | null => {
      const wrapper = JSON.parse(value.toString("utf8")) as { payload?: string };
      return wrapper.payload === undefined ? null : Buffer.from(wrapper.payload, "base64");
    };
    const r = new Reconciler({ ledger: ledgerOf([{ id: 0, qos: 1, codes: [A, A] }]), extractor });
    const feed = new Feed(r);
    const inner = encodeEnvelope({ runId: RUN, publisherId: 0, seq: 0, qos: 1, publishTimeMs: T0 }, 100);
    feed.value(0, Buffer.from(JSON.stringify({ topic: "t", payload: inner.toString("base64") })));
    feed.value(0, Buffer.from(JSON.stringify({ topic: "t" }))); // no payload: foreign
    feed.value(0, Buffer.from(`not json but "${RUN}"`)); // extractor throws, our run id: corrupted
    feed.value(0, Buffer.from("not json at all")); // extractor throws, no run id: foreign
    const out = r.finish();
    expect(counts(out.qos["1"])).toEqual({ ...ZERO, sent: 2, acked: 2, delivered: 1, lostAcked: 1, corrupted: 1 });
    expect(out.foreign).toBe(2);
    expect(out.examples.corrupted[0]!.reason).toMatch(/^extractor failed: /);
  });

  it("caps examples and keeps counting", () => {
    const codes = Array.from({ length: 1000 }, (_, seq) => (seq % 2 === 0 ? A : U));
    const r = new Reconciler({ ledger: ledgerOf([{ id: 0, qos: 1, codes }]), examplesCap: 3 });
    const feed = new Feed(r);
    for (let seq = 0; seq < 1000; seq += 4) {
      feed.envelope(0, 0, seq);
      feed.envelope(0, 0, seq);
      feed.envelope(0, 0, seq);
    }
    const out = r.finish();
    expect(out.qos["1"]).toMatchObject({ delivered: 250, duplicates: 500, lostAcked: 250, lostUnacked: 500 });
    expect(out.examples.cap).toBe(3);
    expect(out.examples.duplicates).toHaveLength(3);
    expect(out.examples.duplicates[0]).toMatchObject({ seq: 0, copies: 3, locations: [{ offset: "0" }, { offset: "1" }, { offset: "2" }] });
    expect(out.examples.lostAcked).toHaveLength(3);
    expect(out.examples.lostUnacked).toEqual([
      { publisher: 0, qos: 1, fromSeq: 1, toSeq: 1, count: 1, publishedAtMs: 1001 },
      { publisher: 0, qos: 1, fromSeq: 3, toSeq: 3, count: 1, publishedAtMs: 1003 },
      { publisher: 0, qos: 1, fromSeq: 5, toSeq: 5, count: 1, publishedAtMs: 1005 },
    ]);
    expect(JSON.parse(JSON.stringify(out.examples))).toEqual(out.examples);
  });

  it("names only the extra copies when first copies are not located", () => {
    const r = new Reconciler({ ledger: ledgerOf([{ id: 0, qos: 1, codes: [A] }]), locateFirstCopies: false });
    const feed = new Feed(r);
    feed.envelope(0, 0, 0);
    feed.envelope(2, 0, 0);
    expect(r.finish().examples.duplicates).toEqual([
      { publisher: 0, qos: 1, seq: 0, copies: 2, locations: [{ partition: 2, offset: "0" }], firstLocated: false },
    ]);
  });

  it("gives the same verdict through observeDecoded", () => {
    const ledger = ledgerOf([{ id: 0, qos: 1, codes: [A, A, F] }]);
    const full = new Reconciler({ ledger });
    const fast = new Reconciler({ ledger });
    const feed = new Feed(full);
    for (const seq of [0, 2, 0, 1]) {
      const rec = feed.envelope(0, 0, seq);
      fast.observeDecoded(rec.partition, rec.offset, rec.timestampMs, 0, seq, T0 + 1000 + seq);
    }
    expect(fast.finish()).toEqual(full.finish());
  });

  it("reconciles a real ledger, live or loaded, through reconcile()", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "losslab-reconcile-"));
    try {
      const ledger = await Ledger.create({
        dir,
        runId: RUN,
        scenario: "unit",
        seed: 1,
        startedAtMs: T0,
        publishers: [
          { id: 0, qos: 0, clientId: "q0" },
          { id: 1, qos: 1, clientId: "q1" },
        ],
      });
      for (let seq = 0; seq < 20; seq++) {
        ledger.sent(0, seq, T0 + seq);
        ledger.outcome(0, seq, "unknown", T0 + seq);
        ledger.sent(1, seq, T0 + seq);
        if (seq < 18) ledger.outcome(1, seq, "acked", T0 + seq + 2);
      }
      await ledger.close();
      const feed = new Feed();
      for (let seq = 0; seq < 20; seq += 2) {
        feed.envelope(0, 0, seq, { qos: 0 });
        feed.envelope(1, 1, seq);
      }
      async function* records(): AsyncGenerator<KafkaRecord> {
        yield* feed.records;
      }
      for (const view of [ledger.snapshot(), await Ledger.load(dir)]) {
        const out = await reconcile({ ledger: view }, records());
        expect(counts(out.qos["0"])).toEqual({ ...ZERO, sent: 20, delivered: 10, recovered: 10, lostUnacked: 10 });
        expect(counts(out.qos["1"])).toEqual({ ...ZERO, sent: 20, acked: 18, delivered: 10, recovered: 1, lostAcked: 9, lostUnacked: 1 });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("rejects a ledger with a publisher twice", () => {
    expect(() => new Reconciler({ ledger: ledgerOf([{ id: 0, qos: 1, codes: [] }, { id: 0, qos: 1, codes: [] }]) })).toThrow(
      "publisher id 0 appears twice in the ledger",
    );
  });
});
