import { build } from "hdr-histogram-js";
import { describe, expect, it } from "vitest";

import { LatencyRecorder, summarizeLatency } from "../../harness/reconcile/index.js";
import { seededRandom } from "../../harness/random.js";

const random = seededRandom;

describe("LatencyRecorder", () => {
  it("gives the same histogram as recording every value into HDR directly", () => {
    const next = random(7);
    const recorder = new LatencyRecorder();
    const direct = build({ numberOfSignificantValueDigits: 3 });
    for (let i = 0; i < 50_000; i++) {
      // µs-resolution latencies from 0 to ~2 h, log-spread, plus a few beyond 2^31 µs
      const ms = i % 5000 === 0 ? 3_000_000 + i : Math.round(Math.exp(next() * 22) - 1) / 1000;
      recorder.recordMs(ms);
      direct.recordValue(Math.round(ms * 1000));
    }
    const histogram = recorder.histogram;
    expect(histogram.totalCount).toBe(direct.totalCount);
    expect(histogram.maxValue).toBe(direct.maxValue);
    expect(histogram.minNonZeroValue).toBe(direct.minNonZeroValue);
    for (const p of [0, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100]) {
      expect(histogram.getValueAtPercentile(p)).toBe(direct.getValueAtPercentile(p));
    }
    expect(recorder.summary()).toEqual(summarizeLatency(direct));
  });

  it("keeps recording after being read", () => {
    const recorder = new LatencyRecorder();
    recorder.recordMs(5);
    expect(recorder.summary()).toEqual({ p50: 5, p90: 5, p99: 5, p999: 5, max: 5 });
    recorder.recordMs(7.5);
    recorder.recordMs(2.25);
    expect(recorder.count).toBe(3);
    expect(recorder.summary().max).toBe(7.5);
    expect(recorder.histogram.minNonZeroValue).toBe(2250);
  });

  it("clamps negative latencies at 0 and counts them", () => {
    const recorder = new LatencyRecorder();
    recorder.recordMs(-3);
    recorder.recordMs(-0.0001);
    recorder.recordMs(1);
    expect(recorder.negativeClamped).toBe(1); // -0.0001 ms rounds to 0 µs
    expect(recorder.count).toBe(3);
    expect(recorder.histogram.getValueAtPercentile(50)).toBe(0);
  });

  it("summarises an empty histogram as zeros", () => {
    expect(new LatencyRecorder().summary()).toEqual({ p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
  });
});
