/**
 * The in-memory state of a ledger. The live ledger and Ledger.load feed it the same records and
 * events, so both end in the same state.
 */
import type { FaultEvent } from "../result.js";
import type { LedgerEvent } from "./format.js";
import { GrowableHistory } from "./history.js";
import type { LedgerDamage, LedgerMeta, LedgerNote, LedgerSnapshot, TopicOffsets } from "./types.js";

export class LedgerState {
  /** Indexed by publisher id (sparse when ids are). */
  readonly byId: (GrowableHistory | undefined)[] = [];
  readonly histories: GrowableHistory[] = [];
  readonly faults: FaultEvent[] = [];
  /** Fault id (its index in ledger.ndjson order) → index in faults. */
  private readonly faultIndex = new Map<number, number>();
  readonly notes: LedgerNote[] = [];
  readonly startOffsets: TopicOffsets = {};
  readonly endOffsets: TopicOffsets = {};
  closed = false;

  constructor(
    readonly meta: LedgerMeta,
    /** Initial capacity per publisher id (exact sizes when loading). */
    capacityOf: (publisherId: number) => number | undefined = () => undefined,
  ) {
    for (const decl of meta.publishers) {
      const history = new GrowableHistory(decl, capacityOf(decl.id));
      this.byId[decl.id] = history;
      this.histories.push(history);
    }
  }

  apply(event: LedgerEvent): void {
    switch (event.type) {
      case "fault": {
        const copy: FaultEvent = { kind: event.kind, target: event.target, startMs: event.startMs, endMs: event.endMs };
        if (event.detail !== undefined) copy.detail = event.detail;
        if (event.error !== undefined) copy.error = event.error;
        this.faultIndex.set(event.id, this.faults.length);
        this.faults.push(copy);
        break;
      }
      case "faultEnd": {
        const index = this.faultIndex.get(event.id);
        const fault = index === undefined ? undefined : this.faults[index];
        if (fault === undefined) break;
        fault.endMs = event.endMs;
        if (event.error !== undefined) fault.error = event.error;
        break;
      }
      case "note":
        this.notes.push({ kind: event.kind, atMs: event.atMs, data: event.data });
        break;
      case "offsets": {
        const target = event.which === "start" ? this.startOffsets : this.endOffsets;
        target[event.topic] = { ...target[event.topic], ...event.offsets };
        break;
      }
      case "closed":
        this.closed = true;
        break;
    }
  }

  snapshot(damage: LedgerDamage): LedgerSnapshot {
    return {
      meta: this.meta,
      runId: this.meta.runId,
      startedAtMs: this.meta.startedAtMs,
      publishers: this.histories.map((h) => h.view()),
      faults: this.faults.map((f) => ({ ...f })),
      notes: this.notes.map((n) => ({ ...n })),
      startOffsets: cloneOffsets(this.startOffsets),
      endOffsets: cloneOffsets(this.endOffsets),
      complete: this.closed,
      damage: { ...damage },
    };
  }
}

function cloneOffsets(offsets: TopicOffsets): TopicOffsets {
  const out: TopicOffsets = {};
  for (const [topic, partitions] of Object.entries(offsets)) out[topic] = { ...partitions };
  return out;
}
