/**
 * What the checker reads (a ledger view, Kafka records) and what it gives (per-QoS results and
 * capped anomaly examples, written by the caller beside result.json as anomalies.json).
 */
import type { QosCounts, QosLevel, QosResult } from "../result.js";
import type { PayloadExtractor } from "../workload/envelope.js";

/**
 * The part of a ledger the checker needs. A LedgerSnapshot (live or loaded) is one.
 * codes[seq]: 0 not sent, 1 pending, 2 acked, 3 failed, 4 unknown.
 */
export interface LedgerView {
  runId: string;
  /** ms since epoch; with publishTimes, lets lost examples say when (ms since the run's start). */
  startedAtMs?: number;
  publishers: ReadonlyArray<{
    id: number;
    qos: QosLevel;
    clientId?: string;
    codes: Uint8Array;
    publishTimes?: Float64Array;
  }>;
}

/** One Kafka record as read by the checker. */
export interface KafkaRecord {
  partition: number;
  /** Kafka offsets are 64-bit: decimal strings. */
  offset: string;
  /** Log-append time (ms since epoch); negative or NaN when the record has none. */
  timestampMs: number;
  value: Buffer | null;
}

export interface ReconcilerOptions {
  /** Defaults to the ledger's run id. */
  runId?: string;
  ledger: LedgerView;
  /** Examples kept per anomaly kind. Default 20. */
  examplesCap?: number;
  /** Unwraps the envelope from a bridge's wrapper (scenario-supplied). */
  extractor?: PayloadExtractor;
  /**
   * Remember where each seq's first copy is (5 bytes per sent seq), so duplicate examples can name
   * the first copy's offset too (offsets below 2^32 - 1, partitions below 256). Default true.
   */
  locateFirstCopies?: boolean;
}

export interface RecordLocation {
  partition: number;
  offset: string;
}

/** A run of consecutive lost seqs of one publisher (a single seq is fromSeq === toSeq). */
export interface LostExample {
  publisher: number;
  qos: QosLevel;
  fromSeq: number;
  toSeq: number;
  count: number;
  /** When fromSeq was first sent, ms since the run's start (when the ledger has times). */
  publishedAtMs?: number;
}

export interface DuplicateExample {
  publisher: number;
  qos: QosLevel;
  seq: number;
  /** Copies seen in all. */
  copies: number;
  /** The first copy (when located) then the extra ones, at most 10. */
  locations: RecordLocation[];
  /** False when the first copy's location is not known (locateFirstCopies off, or offset too large). */
  firstLocated: boolean;
}

export interface ReorderedExample extends RecordLocation {
  publisher: number;
  qos: QosLevel;
  seq: number;
  /** The highest seq of this publisher already seen in this partition. */
  previousMaxSeq: number;
}

export interface CorruptedExample extends RecordLocation {
  reason: string;
  /** Untrusted hints read from the damaged payload. */
  publisher?: number;
  seq?: number;
}

export interface UnexpectedExample extends RecordLocation {
  publisher: number;
  seq: number;
  qos: QosLevel;
  reason: "unknown-publisher" | "never-sent";
}

/** anomalies.json: up to `cap` examples of each kind. */
export interface AnomalyExamples {
  runId: string;
  cap: number;
  lostAcked: LostExample[];
  lostUnacked: LostExample[];
  duplicates: DuplicateExample[];
  reordered: ReorderedExample[];
  corrupted: CorruptedExample[];
  unexpected: UnexpectedExample[];
}

export interface PublisherResult extends QosCounts {
  publisher: number;
  qos: QosLevel;
  clientId?: string;
}

export interface ReconcileOutput {
  /** Keys: the QoS levels of the ledger's publishers. */
  qos: Partial<Record<`${QosLevel}`, QosResult>>;
  examples: AnomalyExamples;
  perPublisher: PublisherResult[];
  /** Records read in all, and the ones that do not count against this run. */
  records: number;
  ignoredOtherRun: number;
  foreign: number;
  /**
   * Anomalies that cannot be put under one QoS level (several levels in use and no known
   * publisher to go by). Zero in a healthy run; a verdict should treat them as failures.
   */
  unattributed: { corrupted: number; unexpected: number };
  latency: {
    /** First copies whose Kafka timestamp is before the publish time (clock skew): recorded as 0. */
    negativeClamped: number;
    /** First copies without a Kafka timestamp: not in the histogram. */
    missingTimestamp: number;
  };
}
