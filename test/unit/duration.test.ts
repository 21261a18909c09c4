import { describe, expect, it } from "vitest";
import { isLosslabError } from "../../harness/errors.js";
import { durationSchema, formatDuration, isDuration, parseDuration, positiveDurationSchema } from "../../harness/scenario/duration.js";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["10s", 10_000],
    ["1.5s", 1_500],
    ["1.1s", 1_100],
    ["2m", 120_000],
    ["1h", 3_600_000],
    ["0s", 0],
    [250, 250],
    [0, 0],
  ] as const)("%s → %i ms", (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(["10", "10 s", "-1s", "1d", "s", "1.5", "", "1m30s", "0.5ms"])("rejects %j", (input) => {
    expect(isDuration(input)).toBe(false);
    expect(() => parseDuration(input)).toThrow(/invalid duration/);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("rejects the number %s", (input) => {
    expect(isDuration(input)).toBe(false);
  });

  it("throws SCENARIO_INVALID with the expected forms", () => {
    try {
      parseDuration("10 seconds");
      expect.unreachable();
    } catch (error) {
      expect(isLosslabError(error, "SCENARIO_INVALID")).toBe(true);
      expect((error as Error).message).toBe(
        'invalid duration: expected a duration like "500ms", "10s", "2m" or "1h", or a whole number of milliseconds, received "10 seconds"',
      );
    }
  });

  it("rejects durations longer than a timer can wait", () => {
    expect(() => parseDuration("1000h")).toThrow(/longer than the longest supported duration/);
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0ms"],
    [250, "250ms"],
    [1_000, "1s"],
    [1_500, "1.5s"],
    [61_000, "61s"],
    [90_000, "1.5m"],
    [3_600_000, "1h"],
  ])("%i ms → %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text as never)).toBe(ms);
  });
});

describe("durationSchema", () => {
  it("accepts strings and ms", () => {
    expect(durationSchema.parse("10s")).toBe("10s");
    expect(durationSchema.parse(10)).toBe(10);
  });

  it("explains a bad value", () => {
    const result = durationSchema.safeParse("ten seconds");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/^expected a duration like "500ms", "10s".*received "ten seconds"$/);
  });

  it("positiveDurationSchema rejects zero", () => {
    expect(positiveDurationSchema.safeParse("0s").error?.issues[0]?.message).toBe("must be longer than 0");
    expect(positiveDurationSchema.safeParse("1ms").success).toBe(true);
  });
});
