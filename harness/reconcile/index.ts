/**
 * The checker: ledger + Kafka records → per-QoS verdicts (QosResult) and capped anomaly examples.
 */
export { Reconciler, reconcile } from "./reconciler.js";
export { LatencyRecorder, summarizeLatency, EMPTY_LATENCY } from "./latency.js";
export { MAX_DUPLICATE_LOCATIONS } from "./examples.js";
export type {
  AnomalyExamples,
  CorruptedExample,
  DuplicateExample,
  KafkaRecord,
  LedgerView,
  LostExample,
  PublisherResult,
  ReconcileOutput,
  ReconcilerOptions,
  RecordLocation,
  ReorderedExample,
  UnexpectedExample,
} from "./types.js";
