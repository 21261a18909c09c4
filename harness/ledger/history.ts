/**
 * One publisher's history in growable typed arrays, and the rules that apply an event to it.
 * The live ledger and Ledger.load both go through `sent` and `outcome`, so replaying the file gives
 * the same state as living through the run.
 *
 * Rules: "acked" is final (a later failed/unknown, or a re-send of the same seq, does not undo a
 * PUBACK/PUBCOMP); a re-send of a failed or unknown seq makes it pending again; the publish time is
 * the first send's.
 */
import { OUTCOME_CODE, type OutcomeCode, type PublisherDecl, type PublisherHistory } from "./types.js";

const INITIAL_CAPACITY = 1024;
export const MAX_SEQ = 0xffff_ffff;

export class GrowableHistory {
  codes: Uint8Array;
  publishTimes: Float64Array;
  outcomeTimes: Float64Array;
  /** Highest seq touched + 1. */
  count = 0;

  constructor(
    readonly decl: PublisherDecl,
    capacity = INITIAL_CAPACITY,
  ) {
    const n = Math.max(1, capacity);
    this.codes = new Uint8Array(n);
    this.publishTimes = new Float64Array(n);
    this.outcomeTimes = new Float64Array(n);
  }

  private grow(seq: number): void {
    const n = Math.max(seq + 1, this.codes.length * 2);
    const codes = new Uint8Array(n);
    codes.set(this.codes);
    const publishTimes = new Float64Array(n);
    publishTimes.set(this.publishTimes);
    const outcomeTimes = new Float64Array(n);
    outcomeTimes.set(this.outcomeTimes);
    this.codes = codes;
    this.publishTimes = publishTimes;
    this.outcomeTimes = outcomeTimes;
  }

  sent(seq: number, timeMs: number): void {
    if (seq >= this.codes.length) this.grow(seq);
    if (this.codes[seq] !== OUTCOME_CODE.acked) this.codes[seq] = OUTCOME_CODE.pending;
    if (this.publishTimes[seq] === 0) this.publishTimes[seq] = timeMs;
    if (seq >= this.count) this.count = seq + 1;
  }

  outcome(seq: number, code: OutcomeCode, timeMs: number): void {
    if (seq >= this.codes.length) this.grow(seq);
    if (code === OUTCOME_CODE.acked || this.codes[seq] !== OUTCOME_CODE.acked) {
      this.codes[seq] = code;
      this.outcomeTimes[seq] = timeMs;
    }
    if (seq >= this.count) this.count = seq + 1;
  }

  /** Views over the live arrays (no copy): valid until the next growth. */
  view(): PublisherHistory {
    const n = this.count;
    return {
      ...this.decl,
      count: n,
      codes: this.codes.subarray(0, n),
      publishTimes: this.publishTimes.subarray(0, n),
      outcomeTimes: this.outcomeTimes.subarray(0, n),
    };
  }
}
