/**
 * The shapes of a run's history, in memory (LedgerSnapshot) and in ledger.json (LedgerMeta).
 */
import type { FaultEvent, QosLevel } from "../result.js";

/** How a publish ended, following Jepsen's ok / fail / info. */
export type PublishOutcome = "acked" | "failed" | "unknown";

/** Per (publisher, seq) outcome codes, as stored in the typed arrays and in ledger.bin. */
export const OUTCOME_CODE = {
  notSent: 0,
  /** Written, outcome not learned (yet): counts as unknown at reconcile time. */
  pending: 1,
  acked: 2,
  failed: 3,
  unknown: 4,
} as const;
export type OutcomeCode = (typeof OUTCOME_CODE)[keyof typeof OUTCOME_CODE];

/** A publisher, declared before the run starts. Ids are integers 0…65535, unique in a run. */
export interface PublisherDecl {
  id: number;
  qos: QosLevel;
  clientId: string;
  topic?: string;
}

/** ledger.json: written once when the ledger is created. */
export interface LedgerMeta {
  schema: "losslab/ledger@1";
  runId: string;
  scenario: string;
  seed: number;
  /** ms since epoch; fault and note times are ms since this instant. */
  startedAtMs: number;
  publishers: PublisherDecl[];
}

/**
 * One publisher's history, indexed by seq (0 … count-1). Seqs never touched have code 0 and times 0.
 * publishTimes: first send, ms since epoch; outcomeTimes: when the outcome was learned.
 */
export interface PublisherHistory extends PublisherDecl {
  count: number;
  codes: Uint8Array;
  publishTimes: Float64Array;
  outcomeTimes: Float64Array;
}

export interface LedgerNote {
  kind: string;
  /** ms since the run's start. */
  atMs: number;
  data: unknown;
}

/** Kafka offsets by topic, then by partition (decimal strings). */
export type TopicOffsets = Record<string, Record<string, string>>;

/** What a crash left behind, as found by Ledger.load (all zero for a live ledger). */
export interface LedgerDamage {
  /** Bytes of an incomplete last record in ledger.bin, ignored. */
  truncatedRecordBytes: number;
  /** Records with a bad marker, an unknown publisher or an invalid code, skipped. */
  badRecords: number;
  /** Lines of ledger.ndjson that are not JSON (a cut last line included), skipped. */
  badEventLines: number;
}

/** The whole history of a run, live (views over the ledger's memory) or loaded from its folder. */
export interface LedgerSnapshot {
  meta: LedgerMeta;
  runId: string;
  startedAtMs: number;
  publishers: PublisherHistory[];
  faults: FaultEvent[];
  notes: LedgerNote[];
  startOffsets: TopicOffsets;
  endOffsets: TopicOffsets;
  /** The ledger was closed cleanly (false after a crash, or while live). */
  complete: boolean;
  damage: LedgerDamage;
}
