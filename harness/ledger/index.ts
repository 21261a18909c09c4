/**
 * The ledger: the history of a run (publishes and their outcomes, fault events, observations),
 * compact in memory and written to the run folder as it goes. Files: see ./format.ts.
 */
export { Ledger, type LedgerCreateOptions } from "./ledger.js";
export { loadLedger } from "./load.js";
export { EVENTS_FILE, META_FILE, RECORDS_FILE, RECORD_BYTES } from "./format.js";
export {
  OUTCOME_CODE,
  type LedgerDamage,
  type LedgerMeta,
  type LedgerNote,
  type LedgerSnapshot,
  type OutcomeCode,
  type PublishOutcome,
  type PublisherDecl,
  type PublisherHistory,
  type TopicOffsets,
} from "./types.js";
