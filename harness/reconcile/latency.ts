/**
 * End-to-end latency (Kafka log-append time − publish time) in an HDR histogram of integer
 * microseconds, 3 significant digits. Negative values (clock skew) are recorded as 0 and counted.
 *
 * hdr-histogram-js spends ~100 ns per recordValue (log2/pow per call), too much for the checker's
 * hot path. Values below 2^31 µs are counted here first, in an array laid out like the HDR buckets
 * for 3 digits (2048 sub-buckets: value >> bucket), and moved into the histogram (at each bucket's
 * lowest equivalent value, the exact min and max kept) when it is read. The histogram then has the
 * same counts per bucket, percentiles and max as if every value had been recorded directly.
 */
import { build, type Histogram } from "hdr-histogram-js";

import type { LatencySummary } from "../result.js";

export const EMPTY_LATENCY: LatencySummary = Object.freeze({ p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });

const SIGNIFICANT_DIGITS = 3;
/** 2^ceil(log2(2 * 10^3)) sub-buckets, half of them per bucket above the first. */
const SUB_BUCKET_HALF_MAGNITUDE = 10;
const SUB_BUCKET_HALF = 1 << SUB_BUCKET_HALF_MAGNITUDE;
const SUB_BUCKET_COUNT = SUB_BUCKET_HALF * 2;
const DIRECT_LIMIT = 2 ** 31;
const SLOTS = SUB_BUCKET_COUNT + (31 - SUB_BUCKET_HALF_MAGNITUDE - 1) * SUB_BUCKET_HALF;

function slotOf(us: number): number {
  if (us < SUB_BUCKET_COUNT) return us;
  const bucket = 31 - Math.clz32(us) - SUB_BUCKET_HALF_MAGNITUDE;
  return SUB_BUCKET_COUNT + (bucket - 1) * SUB_BUCKET_HALF + ((us >>> bucket) - SUB_BUCKET_HALF);
}

function lowestValueOf(slot: number): number {
  if (slot < SUB_BUCKET_COUNT) return slot;
  const bucket = ((slot - SUB_BUCKET_COUNT) >>> SUB_BUCKET_HALF_MAGNITUDE) + 1;
  return (((slot - SUB_BUCKET_COUNT) & (SUB_BUCKET_HALF - 1)) + SUB_BUCKET_HALF) * 2 ** bucket;
}

export class LatencyRecorder {
  private readonly hdr: Histogram = build({ numberOfSignificantValueDigits: SIGNIFICANT_DIGITS });
  private readonly counts = new Float64Array(SLOTS);
  private pending = 0;
  private pendingMin = Infinity;
  private pendingMax = -1;
  negativeClamped = 0;

  recordMs(latencyMs: number): void {
    let us = Math.round(latencyMs * 1000);
    if (!(us >= 0)) {
      if (us < 0) this.negativeClamped++;
      else return; // NaN: nothing to record
      us = 0;
    }
    if (us >= DIRECT_LIMIT) {
      this.hdr.recordValue(us);
      return;
    }
    this.counts[slotOf(us)]!++;
    this.pending++;
    if (us < this.pendingMin) this.pendingMin = us;
    if (us > this.pendingMax) this.pendingMax = us;
  }

  /** The HDR histogram of µs, with everything recorded so far. */
  get histogram(): Histogram {
    this.drain();
    return this.hdr;
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  summary(): LatencySummary {
    return summarizeLatency(this.histogram);
  }

  private drain(): void {
    if (this.pending === 0) return;
    const { counts, hdr } = this;
    counts[slotOf(this.pendingMin)]!--;
    hdr.recordValue(this.pendingMin);
    if (this.pending > 1) {
      counts[slotOf(this.pendingMax)]!--;
      hdr.recordValue(this.pendingMax);
    }
    for (let slot = 0; slot < SLOTS; slot++) {
      const n = counts[slot]!;
      if (n === 0) continue;
      hdr.recordValueWithCount(lowestValueOf(slot), n);
      counts[slot] = 0;
    }
    this.pending = 0;
    this.pendingMin = Infinity;
    this.pendingMax = -1;
  }
}

/**
 * p50/p90/p99/p99.9/max in ms of a histogram of microseconds. HDR reports a percentile as the
 * highest value of its bucket; it is capped at the exact max so that no percentile exceeds it.
 */
export function summarizeLatency(histogram: Histogram): LatencySummary {
  if (histogram.totalCount === 0) return { ...EMPTY_LATENCY };
  const max = histogram.maxValue;
  const at = (percentile: number): number => Math.min(histogram.getValueAtPercentile(percentile), max) / 1000;
  return { p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: max / 1000 };
}
