/**
 * Capped anomaly examples: counts live in QosResult, examples only show a few of each kind.
 */
import type { QosLevel } from "../result.js";
import type {
  AnomalyExamples,
  CorruptedExample,
  DuplicateExample,
  LostExample,
  RecordLocation,
  ReorderedExample,
  UnexpectedExample,
} from "./types.js";

/** Locations kept per duplicate example. */
export const MAX_DUPLICATE_LOCATIONS = 10;

export class ExampleCollector {
  readonly lostAcked: LostExample[] = [];
  readonly lostUnacked: LostExample[] = [];
  readonly duplicates: DuplicateExample[] = [];
  readonly reordered: ReorderedExample[] = [];
  readonly corrupted: CorruptedExample[] = [];
  readonly unexpected: UnexpectedExample[] = [];
  /** publisher * 2^32 + seq → its open duplicate example. */
  private readonly duplicateByKey = new Map<number, DuplicateExample>();

  constructor(readonly cap: number) {}

  /**
   * A copy beyond the first. `first` is the first copy's location when known. Only called on
   * duplicates, so the map lookup is off the common path.
   */
  duplicate(publisher: number, qos: QosLevel, seq: number, at: RecordLocation, first: RecordLocation | undefined): void {
    const key = publisher * 0x1_0000_0000 + seq;
    const open = this.duplicateByKey.get(key);
    if (open !== undefined) {
      open.copies++;
      if (open.locations.length < MAX_DUPLICATE_LOCATIONS) open.locations.push(at);
      return;
    }
    if (this.duplicates.length >= this.cap) return;
    const example: DuplicateExample = {
      publisher,
      qos,
      seq,
      copies: 2,
      locations: first === undefined ? [at] : [first, at],
      firstLocated: first !== undefined,
    };
    this.duplicates.push(example);
    this.duplicateByKey.set(key, example);
  }

  reorder(example: ReorderedExample): void {
    if (this.reordered.length < this.cap) this.reordered.push(example);
  }

  corrupt(example: CorruptedExample): void {
    if (this.corrupted.length < this.cap) this.corrupted.push(example);
  }

  unexpect(example: UnexpectedExample): void {
    if (this.unexpected.length < this.cap) this.unexpected.push(example);
  }

  toJSON(runId: string, lostAcked: LostExample[], lostUnacked: LostExample[]): AnomalyExamples {
    return {
      runId,
      cap: this.cap,
      lostAcked,
      lostUnacked,
      duplicates: this.duplicates.map((d) => ({ ...d, locations: d.locations.map((l) => ({ ...l })) })),
      reordered: this.reordered.map((r) => ({ ...r })),
      corrupted: this.corrupted.map((c) => ({ ...c })),
      unexpected: this.unexpected.map((u) => ({ ...u })),
    };
  }
}
