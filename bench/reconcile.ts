/**
 * Reconciler benchmark: 10 M synthetic Kafka records from 8 publishers (QoS 0/1/2 mix, 4 partitions)
 * with losses, duplicates, reorderings and unacked publishes injected, checked against the expected
 * counts. Payloads are encoded lazily, a batch at a time, into a reused arena, and only the
 * reconciler calls are timed:
 *   full     observe({ partition, offset, timestampMs, value }) — decode + classification
 *   decoded  observeDecoded(…) — classification alone
 * Goal: ≥ 2 M records/s (full) and ≤ 256 MB peak RSS.
 *
 *   npx tsx bench/reconcile.ts [--records 10000000] [--payload 256] [--mode both|full|decoded] [--ledger-times]
 *   node dist/bench/reconcile.js …
 *
 * The ledger view holds codes only (what the checker reads); --ledger-times adds the 8-byte publish
 * times a loaded ledger also carries (used for lost examples).
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

import { Reconciler, type KafkaRecord, type LedgerView, type ReconcileOutput } from "../harness/reconcile/index.js";
import type { QosCounts, QosLevel } from "../harness/result.js";
import { OUTCOME_CODE } from "../harness/ledger/types.js";
import { encodeEnvelopeInto } from "../harness/workload/envelope.js";

const RUN_ID = "bench-20251125-r3c0";
const T0 = 1_764_070_000_000;
const PUBLISHER_QOS: QosLevel[] = [0, 1, 2, 1, 0, 1, 2, 1];
const PARTITIONS = 4;
const BATCH = 4096;
/** Per mille. */
const LOSS = 1;
const DUPLICATE = 5;
const REORDER = 1;
const UNACKED = 2;
const DUPLICATE_DELAY = 500;

const CODE_ACKED = OUTCOME_CODE.acked;
const CODE_UNKNOWN = OUTCOME_CODE.unknown;

/** Deterministic per-(publisher, seq) choice, independent of stream order. */
function hash(p: number, seq: number, salt: number): number {
  let h = Math.imul(p + 1, 0x9e3779b1) ^ Math.imul(seq + 1, 0x85ebca77) ^ Math.imul(salt, 0xc2b2ae3d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) % 1000;
}

function codeOf(p: number, seq: number): number {
  if (PUBLISHER_QOS[p] === 0) return CODE_UNKNOWN;
  return hash(p, seq, 1) < UNACKED ? CODE_UNKNOWN : CODE_ACKED;
}

function partitionOf(p: number): number {
  return p % PARTITIONS;
}

type Expected = Pick<QosCounts, "sent" | "acked" | "delivered" | "lostAcked" | "lostUnacked" | "recovered" | "duplicates" | "reordered">;

/**
 * The record stream, deterministic: round-robin over publishers; a lost seq is skipped; a reordered
 * seq is held back and emitted after the publisher's next one; a duplicated seq is emitted again
 * DUPLICATE_DELAY records later. Calls emit(publisher, seq) until `records` records are out.
 */
function stream(records: number, emit: (p: number, seq: number) => void): { sentPerPublisher: number[]; expected: Record<string, Expected> } {
  const n = PUBLISHER_QOS.length;
  const next = new Array<number>(n).fill(0);
  const held = new Array<number>(n).fill(-1);
  const dupP: number[] = [];
  const dupSeq: number[] = [];
  const dupDue: number[] = [];
  let dupHead = 0;
  let emitted = 0;
  const expected: Record<string, Expected> = {};
  for (const q of new Set(PUBLISHER_QOS)) {
    expected[q] = { sent: 0, acked: 0, delivered: 0, lostAcked: 0, lostUnacked: 0, recovered: 0, duplicates: 0, reordered: 0 };
  }
  const out = (p: number, seq: number): void => {
    emit(p, seq);
    emitted++;
  };
  const account = (p: number, seq: number, delivered: boolean): void => {
    const e = expected[PUBLISHER_QOS[p]!]!;
    const acked = codeOf(p, seq) === CODE_ACKED;
    e.sent++;
    if (acked) e.acked++;
    if (delivered) {
      e.delivered++;
      if (!acked) e.recovered++;
    } else if (acked) e.lostAcked++;
    else e.lostUnacked++;
  };
  for (let step = 0; emitted < records; step++) {
    while (dupHead < dupDue.length && dupDue[dupHead]! <= emitted && emitted < records) {
      out(dupP[dupHead]!, dupSeq[dupHead]!);
      expected[PUBLISHER_QOS[dupP[dupHead]!]!]!.duplicates++;
      dupHead++;
    }
    if (emitted >= records) break;
    const p = step % n;
    const seq = next[p]!++;
    const r = hash(p, seq, 2);
    if (r < LOSS) {
      account(p, seq, false);
      continue;
    }
    if (r < LOSS + REORDER && held[p] === -1) {
      held[p] = seq;
      continue;
    }
    out(p, seq);
    account(p, seq, true);
    if (held[p]! >= 0 && emitted < records) {
      const h = held[p]!;
      held[p] = -1;
      out(p, h);
      account(p, h, true);
      expected[PUBLISHER_QOS[p]!]!.reordered++;
    }
    if (r >= 1000 - DUPLICATE) {
      dupP.push(p);
      dupSeq.push(seq);
      dupDue.push(emitted + DUPLICATE_DELAY);
    }
  }
  // A seq still held back when the stream ends was sent and never arrived.
  for (let p = 0; p < n; p++) if (held[p]! >= 0) account(p, held[p]!, false);
  return { sentPerPublisher: next, expected };
}

function ledgerView(sentPerPublisher: number[], withTimes: boolean): LedgerView {
  return {
    runId: RUN_ID,
    startedAtMs: T0,
    publishers: PUBLISHER_QOS.map((qos, p) => {
      const count = sentPerPublisher[p]!;
      const codes = new Uint8Array(count);
      for (let seq = 0; seq < count; seq++) codes[seq] = codeOf(p, seq);
      const view: LedgerView["publishers"][number] = { id: p, qos, clientId: `bench-p${p}`, codes };
      return withTimes ? { ...view, publishTimes: Float64Array.from({ length: count }, (_, seq) => publishTime(seq)) } : view;
    }),
  };
}

function publishTime(seq: number): number {
  return T0 + seq * 0.0125;
}

interface ModeResult {
  mode: "full" | "decoded";
  records: number;
  seconds: number;
  recordsPerSecond: number;
  peakRssMB: number;
  verified: boolean;
  mismatches: string[];
}

function verify(output: ReconcileOutput, expected: Record<string, Expected>): string[] {
  const mismatches: string[] = [];
  for (const [level, e] of Object.entries(expected)) {
    const got = output.qos[level as `${QosLevel}`];
    for (const [key, value] of Object.entries(e)) {
      const observed = got?.[key as keyof Expected];
      if (observed !== value) mismatches.push(`qos${level}.${key}: expected ${value}, got ${String(observed)}`);
    }
  }
  if (output.qos["1"]?.lostAcked === 0) mismatches.push("no losses injected");
  return mismatches;
}

function rssMB(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

function runMode(mode: "full" | "decoded", records: number, payloadBytes: number, withTimes: boolean): ModeResult {
  // Pass 1: the ledger (what was sent) and the expected verdicts.
  const { sentPerPublisher, expected } = stream(records, () => {});
  const reconciler = new Reconciler({ ledger: ledgerView(sentPerPublisher, withTimes) });

  const arena = Buffer.alloc(BATCH * payloadBytes);
  const slots = Array.from({ length: BATCH }, (_, i) => arena.subarray(i * payloadBytes, (i + 1) * payloadBytes));
  const batchP = new Int32Array(BATCH);
  const batchSeq = new Float64Array(BATCH);
  const nextOffset = new Float64Array(PARTITIONS);
  let fill = 0;
  let timedNs = 0n;
  let peakRss = rssMB();

  const runBatch = (): void => {
    // Untimed: encode the payloads and build the records a consumer would hand over.
    const batch: KafkaRecord[] = new Array<KafkaRecord>(fill);
    for (let i = 0; i < fill; i++) {
      const p = batchP[i]!;
      const seq = batchSeq[i]!;
      const partition = partitionOf(p);
      const t = publishTime(seq);
      if (mode === "full") encodeEnvelopeInto({ runId: RUN_ID, publisherId: p, seq, qos: PUBLISHER_QOS[p]!, publishTimeMs: t }, payloadBytes, arena, i * payloadBytes);
      batch[i] = { partition, offset: String(nextOffset[partition]!++), timestampMs: Math.floor(t) + 1 + hash(p, seq, 3) / 20, value: slots[i]! };
    }
    const start = process.hrtime.bigint();
    if (mode === "full") {
      for (let i = 0; i < fill; i++) reconciler.observe(batch[i]!);
    } else {
      for (let i = 0; i < fill; i++) {
        const r = batch[i]!;
        reconciler.observeDecoded(r.partition, r.offset, r.timestampMs, batchP[i]!, batchSeq[i]!, publishTime(batchSeq[i]!));
      }
    }
    timedNs += process.hrtime.bigint() - start;
    fill = 0;
    peakRss = Math.max(peakRss, rssMB());
  };

  // Pass 2: the same stream, fed to the reconciler.
  stream(records, (p, seq) => {
    batchP[fill] = p;
    batchSeq[fill] = seq;
    if (++fill === BATCH) runBatch();
  });
  if (fill > 0) runBatch();

  const start = process.hrtime.bigint();
  const output = reconciler.finish();
  timedNs += process.hrtime.bigint() - start;
  peakRss = Math.max(peakRss, rssMB());

  const mismatches = verify(output, expected);
  if (output.records !== records) mismatches.push(`records: expected ${records}, got ${output.records}`);
  const seconds = Number(timedNs) / 1e9;
  return {
    mode,
    records,
    seconds: round(seconds, 3),
    recordsPerSecond: Math.round(records / seconds),
    peakRssMB: round(peakRss, 1),
    verified: mismatches.length === 0,
    mismatches,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function main(argv: string[] = process.argv.slice(2)): Record<string, unknown> {
  const { values } = parseArgs({
    args: argv,
    options: {
      records: { type: "string", default: "10000000" },
      payload: { type: "string", default: "256" },
      mode: { type: "string", default: "both" },
      "ledger-times": { type: "boolean", default: false },
    },
  });
  const records = Number(values.records);
  const payloadBytes = Number(values.payload);
  const modes = values.mode === "both" ? (["decoded", "full"] as const) : [values.mode as "full" | "decoded"];
  if (!Number.isSafeInteger(records) || records <= 0) throw new RangeError(`--records must be a positive integer, got ${values.records}`);
  if (!modes.every((m) => m === "full" || m === "decoded")) throw new RangeError(`--mode must be full, decoded or both, got ${values.mode}`);

  const results: ModeResult[] = [];
  for (const mode of modes) {
    const result = runMode(mode, records, payloadBytes, values["ledger-times"]);
    results.push(result);
    console.log(
      `${mode.padEnd(8)} ${result.records.toLocaleString("en")} records in ${result.seconds.toFixed(2)} s: ` +
        `${(result.recordsPerSecond / 1e6).toFixed(2)} M records/s, peak RSS ${result.peakRssMB} MB, ` +
        (result.verified ? "counts verified" : `COUNTS WRONG: ${result.mismatches.join("; ")}`),
    );
  }
  const summary = {
    bench: "reconcile",
    node: process.version,
    records,
    payloadBytes,
    publishers: PUBLISHER_QOS.length,
    partitions: PARTITIONS,
    ledgerTimes: values["ledger-times"],
    results,
    maxRssMB: round(process.resourceUsage().maxRSS / 1024, 1),
    goals: { recordsPerSecond: 2_000_000, maxRssMB: 256 },
  };
  console.log(JSON.stringify(summary));
  return summary;
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(invokedPath).href) {
  const summary = main();
  const results = summary["results"] as ModeResult[];
  if (results.some((r) => !r.verified)) process.exitCode = 1;
}
