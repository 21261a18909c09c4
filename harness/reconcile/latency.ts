/**
 * End-to-end latency (Kafka log-append time − publish time) in an HDR histogram of integer
 * microseconds, 3 significant digits. Negative values (clock skew) are recorded as 0 and counted.
 */
import { build, type Histogram } from "hdr-histogram-js";

import type { LatencySummary } from "../result.js";

export const EMPTY_LATENCY: LatencySummary = Object.freeze({ p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });

export class LatencyRecorder {
  readonly histogram: Histogram = build({ numberOfSignificantValueDigits: 3 });
  negativeClamped = 0;

  recordMs(latencyMs: number): void {
    let us = Math.round(latencyMs * 1000);
    if (us < 0) {
      this.negativeClamped++;
      us = 0;
    }
    this.histogram.recordValue(us);
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  summary(): LatencySummary {
    return summarizeLatency(this.histogram);
  }
}

/** p50/p90/p99/p99.9/max in ms of a histogram of microseconds. */
export function summarizeLatency(histogram: Histogram): LatencySummary {
  if (histogram.totalCount === 0) return { ...EMPTY_LATENCY };
  const ms = (us: number): number => us / 1000;
  return {
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    max: ms(histogram.maxValue),
  };
}
