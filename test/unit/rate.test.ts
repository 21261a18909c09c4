import { describe, expect, it } from "vitest";
import { splitRate, targetCount } from "../../harness/workload/rate.js";

describe("cumulative rate targets", () => {
  it("holds a constant rate without drift, whatever the tick pattern", () => {
    const rate = { shape: "constant" as const, ratePerSecond: 333 };
    expect(targetCount(rate, 0)).toBe(0);
    expect(targetCount(rate, 1_000)).toBe(333);
    expect(targetCount(rate, 10_000)).toBe(3_330);
    // Late or irregular ticks only change when messages go out, never how many by a given time.
    let sent = 0;
    for (const at of [3, 250, 251, 999, 4_000, 4_001, 9_999, 10_000]) sent = Math.max(sent, targetCount(rate, at));
    expect(sent).toBe(3_330);
  });

  it("integrates a linear ramp and stays at the final rate after it", () => {
    const ramp = { shape: "ramp" as const, from: 100, to: 300, durationMs: 10_000 };
    // average 200/s over 10 s
    expect(targetCount(ramp, 10_000)).toBe(2_000);
    // first second: 100 + (200 × 1²)/(2 × 10) = 110
    expect(targetCount(ramp, 1_000)).toBe(110);
    expect(targetCount(ramp, 11_000)).toBe(2_300);
  });

  it("is monotonic", () => {
    const ramp = { shape: "ramp" as const, from: 500, to: 50, durationMs: 5_000 };
    let previous = 0;
    for (let at = 0; at <= 6_000; at += 37) {
      const count = targetCount(ramp, at);
      expect(count).toBeGreaterThanOrEqual(previous);
      previous = count;
    }
  });

  it("splits a total rate evenly over publishers", () => {
    expect(splitRate({ shape: "constant", ratePerSecond: 900 }, 9)).toEqual({ shape: "constant", ratePerSecond: 100 });
    expect(splitRate({ shape: "ramp", from: 90, to: 180, durationMs: 1 }, 9)).toEqual({ shape: "ramp", from: 10, to: 20, durationMs: 1 });
  });
});
