/**
 * The live ledger of a run: publishes and their outcomes in compact per-publisher typed arrays,
 * written to the run folder as it goes (the files are described in ./format.ts).
 *
 * The hot path (`sent`, `outcome`) updates the arrays and appends a 16-byte record to a batch:
 * no allocation, no I/O. Full batches and a periodic timer hand the bytes to a background
 * appender; `flush()` waits for them. Write errors surface at `flush()` / `close()` as LEDGER_IO.
 * Calls after `close()` are ignored and counted in `lateEvents` (a late PUBACK must not crash a run).
 */
import { mkdir, open, writeFile } from "node:fs/promises";
import path from "node:path";

import { LosslabError } from "../errors.js";
import type { FaultEvent } from "../result.js";
import { Appender } from "./appender.js";
import {
  BATCH_RECORDS,
  EVENTS_FILE,
  LEDGER_SCHEMA,
  META_FILE,
  RECORD_BYTES,
  RECORD_MARKER,
  RECORDS_FILE,
  metaSchema,
  type LedgerEvent,
} from "./format.js";
import { MAX_SEQ, type GrowableHistory } from "./history.js";
import { loadLedger } from "./load.js";
import { LedgerState } from "./state.js";
import { OUTCOME_CODE, type LedgerMeta, type LedgerSnapshot, type PublishOutcome, type PublisherDecl } from "./types.js";

const DEFAULT_FLUSH_INTERVAL_MS = 200;
const NO_DAMAGE = { truncatedRecordBytes: 0, badRecords: 0, badEventLines: 0 } as const;
const OUTCOME_CODES = { acked: OUTCOME_CODE.acked, failed: OUTCOME_CODE.failed, unknown: OUTCOME_CODE.unknown } as const;

export interface LedgerCreateOptions {
  /** The run folder; created if missing. It must not hold a ledger already. */
  dir: string;
  runId: string;
  scenario: string;
  seed: number;
  publishers: PublisherDecl[];
  /** ms since epoch; fault and note times are relative to it. Default: now. */
  startedAtMs?: number;
  /** How often buffered records reach the file when batches are not full. Default 200 ms. */
  flushIntervalMs?: number;
}

export class Ledger implements AsyncDisposable {
  readonly dir: string;
  readonly meta: LedgerMeta;
  /** Events received after close(), ignored. */
  lateEvents = 0;

  private readonly state: LedgerState;
  private readonly records: Appender;
  private readonly events: Appender;
  private batch: Buffer;
  private batchView: DataView;
  private batchBytes = 0;
  private pendingLines: string[] = [];
  private nextFaultId = 0;
  private closing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  private constructor(dir: string, meta: LedgerMeta, records: Appender, events: Appender, flushIntervalMs: number) {
    this.dir = dir;
    this.meta = meta;
    this.state = new LedgerState(meta);
    this.records = records;
    this.events = events;
    this.batch = Buffer.allocUnsafeSlow(BATCH_RECORDS * RECORD_BYTES);
    this.batchView = new DataView(this.batch.buffer, this.batch.byteOffset, this.batch.byteLength);
    this.timer = setInterval(() => this.writeBuffered(), flushIntervalMs);
    this.timer.unref();
  }

  /** Creates the run folder's ledger files and returns the live ledger. */
  static async create(options: LedgerCreateOptions): Promise<Ledger> {
    const parsed = metaSchema.safeParse({
      schema: LEDGER_SCHEMA,
      runId: options.runId,
      scenario: options.scenario,
      seed: options.seed,
      startedAtMs: options.startedAtMs ?? Date.now(),
      publishers: options.publishers,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RangeError(`invalid ledger options at ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
    }
    const meta: LedgerMeta = parsed.data;
    const seen = new Set<number>();
    for (const p of meta.publishers) {
      if (seen.has(p.id)) throw new RangeError(`publisher id ${p.id} is declared twice`);
      seen.add(p.id);
    }

    const dir = options.dir;
    const recordsPath = path.join(dir, RECORDS_FILE);
    const eventsPath = path.join(dir, EVENTS_FILE);
    let recordsHandle;
    let eventsHandle;
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, META_FILE), `${JSON.stringify(meta, null, 2)}\n`, { flag: "wx" });
      recordsHandle = await open(recordsPath, "wx");
      eventsHandle = await open(eventsPath, "wx");
    } catch (error) {
      await recordsHandle?.close();
      throw new LosslabError("LEDGER_IO", `cannot create the ledger in ${dir}`, {
        cause: error,
        details: (error as NodeJS.ErrnoException).code === "EEXIST" ? ["the folder already holds a ledger: use a fresh run folder"] : [],
      });
    }
    return new Ledger(dir, meta, new Appender(recordsHandle, recordsPath), new Appender(eventsHandle, eventsPath), options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
  }

  /** Rebuilds a ledger's state from its folder, tolerating what a crash leaves behind. */
  static load(dir: string): Promise<LedgerSnapshot> {
    return loadLedger(dir);
  }

  get runId(): string {
    return this.meta.runId;
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  // ---- hot path ------------------------------------------------------------------------------

  /** The publisher's history for a valid seq; undefined (and counted) once the ledger is closing. */
  private historyFor(publisherId: number, seq: number): GrowableHistory | undefined {
    if (this.closing !== undefined) {
      this.lateEvents++;
      return undefined;
    }
    const history = this.state.byId[publisherId];
    if (history === undefined) throw new RangeError(`publisher ${publisherId} was not declared in the ledger`);
    if (seq >>> 0 !== seq) throw new RangeError(`seq must be an integer 0…${MAX_SEQ}, got ${seq}`);
    return history;
  }

  /** A publish was written (to the client): pending until its outcome is known. */
  sent(publisherId: number, seq: number, timeMs: number): void {
    const history = this.historyFor(publisherId, seq);
    if (history === undefined) return;
    history.sent(seq, timeMs);
    this.append(publisherId, seq, OUTCOME_CODE.pending, timeMs);
  }

  /** The outcome of a publish: acked (PUBACK/PUBCOMP), failed, or unknown (QoS 0, never answered). */
  outcome(publisherId: number, seq: number, outcome: PublishOutcome, timeMs: number): void {
    const history = this.historyFor(publisherId, seq);
    if (history === undefined) return;
    const code = OUTCOME_CODES[outcome];
    if (code === undefined) throw new RangeError(`unknown outcome ${String(outcome)}`);
    history.outcome(seq, code, timeMs);
    this.append(publisherId, seq, code, timeMs);
  }

  private append(publisherId: number, seq: number, code: number, timeMs: number): void {
    const at = this.batchBytes;
    const view = this.batchView;
    view.setUint32(at, seq, true);
    view.setUint16(at + 4, publisherId, true);
    view.setUint8(at + 6, code);
    view.setUint8(at + 7, RECORD_MARKER);
    view.setFloat64(at + 8, timeMs, true);
    this.batchBytes = at + RECORD_BYTES;
    if (this.batchBytes === this.batch.length) this.rotateBatch();
  }

  private rotateBatch(): void {
    this.records.write(this.batch);
    this.batch = Buffer.allocUnsafeSlow(BATCH_RECORDS * RECORD_BYTES);
    this.batchView = new DataView(this.batch.buffer, this.batch.byteOffset, this.batch.byteLength);
    this.batchBytes = 0;
  }

  // ---- events --------------------------------------------------------------------------------

  /**
   * Records a fault as it starts (endMs null) or as a whole (endMs set). Returns its id, for
   * `faultEnded`. Times are ms since the run's start.
   */
  fault(event: FaultEvent): number {
    const id = this.nextFaultId++;
    const line: LedgerEvent = { type: "fault", id, kind: event.kind, target: event.target, startMs: event.startMs, endMs: event.endMs };
    if (event.detail !== undefined) line.detail = event.detail;
    if (event.error !== undefined) line.error = event.error;
    this.event(line);
    return id;
  }

  /** The end (heal) of a fault recorded with `fault`. */
  faultEnded(id: number, endMs: number, error?: string): void {
    this.event(error === undefined ? { type: "faultEnd", id, endMs } : { type: "faultEnd", id, endMs, error });
  }

  /** An observation worth keeping (JSON-serialisable data); atMs defaults to now, since the run's start. */
  note(kind: string, data: unknown = null, atMs: number = Date.now() - this.meta.startedAtMs): void {
    this.event({ type: "note", kind, atMs, data });
  }

  /** Kafka offsets where this run's records start, per partition (decimal strings). */
  setStartOffsets(topic: string, offsets: Record<string | number, string>): void {
    this.event({ type: "offsets", which: "start", topic, offsets: stringKeys(offsets) });
  }

  /** Kafka offsets where reading for this run may stop (high watermarks after settling). */
  setEndOffsets(topic: string, offsets: Record<string | number, string>): void {
    this.event({ type: "offsets", which: "end", topic, offsets: stringKeys(offsets) });
  }

  private event(event: LedgerEvent): void {
    if (this.closing !== undefined) {
      this.lateEvents++;
      return;
    }
    const line = JSON.stringify(event);
    // Apply what the file will say, so the live state equals the loaded one.
    this.state.apply(JSON.parse(line) as LedgerEvent);
    this.pendingLines.push(line);
  }

  // ---- reading and lifecycle -----------------------------------------------------------------

  /**
   * The current state. Publisher arrays are views over live memory (no copy): take the snapshot
   * to reconcile once publishing has stopped.
   */
  snapshot(): LedgerSnapshot {
    return this.state.snapshot(NO_DAMAGE);
  }

  /** Hands everything buffered to the background writers (does not wait). */
  private writeBuffered(): void {
    if (this.batchBytes > 0) {
      this.records.write(Buffer.from(this.batch.subarray(0, this.batchBytes)));
      this.batchBytes = 0;
    }
    if (this.pendingLines.length > 0) {
      this.events.write(Buffer.from(`${this.pendingLines.join("\n")}\n`, "utf8"));
      this.pendingLines = [];
    }
  }

  /** Waits until everything recorded so far is in the files. */
  async flush(): Promise<void> {
    this.writeBuffered();
    await Promise.all([this.records.settle(), this.events.settle()]);
  }

  /** Writes the rest, marks the ledger complete and closes the files. Idempotent. */
  close(): Promise<void> {
    if (this.closing === undefined) {
      const line: LedgerEvent = { type: "closed", atMs: Date.now() - this.meta.startedAtMs };
      this.state.apply(line);
      this.pendingLines.push(JSON.stringify(line));
      clearInterval(this.timer);
      this.writeBuffered();
      this.closing = Promise.allSettled([this.records.close(), this.events.close()]).then((results) => {
        for (const result of results) if (result.status === "rejected") throw result.reason;
      });
    }
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function stringKeys(offsets: Record<string | number, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [partition, offset] of Object.entries(offsets)) out[partition] = String(offset);
  return out;
}
