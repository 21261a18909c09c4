import { describe, expect, it } from "vitest";
import { evaluateExpectations, formatObserved, formatPercent, formatVerdictLines } from "../../harness/report/verdict.js";
import { qosResult } from "../support/qos.js";
import type { ExpectationResult, QosResult } from "../../harness/result.js";

const qos = (overrides: Partial<QosResult> = {}): QosResult => qosResult(overrides);

describe("evaluateExpectations", () => {
  it("max: pass and fail", () => {
    expect(evaluateExpectations({ qos1: { lostAcked: { max: 0 } } }, { "1": qos() })).toEqual([
      { name: "qos1.lostAcked ≤ 0", observed: 0, pass: true, bound: { max: 0 } },
    ]);
    expect(evaluateExpectations({ qos1: { lostAcked: { max: 0 } } }, { "1": qos({ lostAcked: 3 }) })).toEqual([
      { name: "qos1.lostAcked ≤ 0", observed: 3, pass: false, bound: { max: 0 } },
    ]);
  });

  it("min: pass and fail", () => {
    const expectations = { qos2: { delivered: { min: 900 } } };
    expect(evaluateExpectations(expectations, { "2": qos({ delivered: 900 }) })[0]).toMatchObject({ name: "qos2.delivered ≥ 900", pass: true });
    expect(evaluateExpectations(expectations, { "2": qos({ delivered: 899 }) })[0]).toMatchObject({ observed: 899, pass: false });
  });

  it("maxRate on the derived lost: observed is the fraction of sent", () => {
    const expectations = { qos0: { lost: { maxRate: 0.01 } } };
    expect(evaluateExpectations(expectations, { "0": qos({ lostUnacked: 10 }) })).toEqual([
      { name: "qos0.lost ≤ 1%", observed: 0.01, pass: true, bound: { maxRate: 0.01 } },
    ]);
    expect(evaluateExpectations(expectations, { "0": qos({ lostAcked: 2, lostUnacked: 30 }) })).toEqual([
      { name: "qos0.lost ≤ 1%", observed: 0.032, pass: false, bound: { maxRate: 0.01 } },
    ]);
  });

  it("minRate: pass and fail; a rate of nothing sent is 0", () => {
    const expectations = { qos1: { delivered: { minRate: 0.999 } } };
    expect(evaluateExpectations(expectations, { "1": qos({ delivered: 999 }) })[0]).toMatchObject({ name: "qos1.delivered ≥ 99.9%", pass: true });
    expect(evaluateExpectations(expectations, { "1": qos({ delivered: 998 }) })[0]).toMatchObject({ observed: 0.998, pass: false });
    expect(evaluateExpectations(expectations, { "1": qos({ sent: 0, delivered: 0 }) })[0]).toMatchObject({ observed: 0, pass: false });
  });

  it("latency: pass and fail, min and max", () => {
    const expectations = { qos1: { latencyMs: { p99: { max: 500 }, p50: { min: 1 } } } };
    expect(evaluateExpectations(expectations, { "1": qos() })).toEqual([
      { name: "qos1.latencyMs.p50 ≥ 1", observed: 2, pass: true, bound: { min: 1 } },
      { name: "qos1.latencyMs.p99 ≤ 500", observed: 12.34, pass: true, bound: { max: 500 } },
    ]);
    const slow = qos({ latencyMs: { p50: 0.5, p90: 700, p99: 900, p999: 950, max: 1000 } });
    expect(evaluateExpectations(expectations, { "1": slow }).map((r) => r.pass)).toEqual([false, false]);
    const unmeasured = qos({ latencyMs: { p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, p999: Number.NaN, max: Number.NaN } });
    expect(evaluateExpectations(expectations, { "1": unmeasured }).map((r) => r.pass)).toEqual([false, false]);
  });

  it("several bounds on one metric, in a stable order", () => {
    const results = evaluateExpectations({ qos1: { duplicates: { maxRate: 0.1, max: 5, min: 0 } } }, { "1": qos({ duplicates: 7 }) });
    expect(results.map((r) => [r.name, r.pass])).toEqual([
      ["qos1.duplicates ≥ 0", true],
      ["qos1.duplicates ≤ 5", false],
      ["qos1.duplicates ≤ 10%", true],
    ]);
  });

  it("an expected QoS level missing from the results fails", () => {
    const results = evaluateExpectations(
      { qos1: { lostAcked: { max: 0 } }, qos2: { lostAcked: { max: 0 }, duplicates: { max: 0 } } },
      { "1": qos() },
    );
    expect(results).toEqual([
      { name: "qos1.lostAcked ≤ 0", observed: 0, pass: true, bound: { max: 0 } },
      { name: "qos2 was not measured", observed: 0, pass: false },
    ]);
  });

  it("no expectations, no results", () => {
    expect(evaluateExpectations(undefined, { "0": qos() })).toEqual([]);
    expect(evaluateExpectations({}, {})).toEqual([]);
  });
});

describe("formatVerdictLines", () => {
  const results: ExpectationResult[] = [
    { name: "qos1.lostAcked ≤ 0", observed: 0, pass: true, bound: { max: 0 } },
    { name: "qos0.lost ≤ 1%", observed: 0.032, pass: false, bound: { maxRate: 0.01 } },
    { name: "qos1.latencyMs.p99 ≤ 500", observed: 12.34, pass: true, bound: { max: 500 } },
    { name: "qos2 was not measured", observed: 0, pass: false },
  ];

  it("plain", () => {
    expect(formatVerdictLines(results, { color: false })).toEqual([
      "✓ qos1.lostAcked ≤ 0 … 0",
      "✗ qos0.lost ≤ 1% … 3.2%",
      "✓ qos1.latencyMs.p99 ≤ 500 … 12.3",
      "✗ qos2 was not measured",
    ]);
  });

  it("colored", () => {
    const lines = formatVerdictLines(results.slice(0, 2), { color: true });
    expect(lines[0]).toBe("\u001b[32m✓\u001b[0m qos1.lostAcked ≤ 0 \u001b[2m…\u001b[0m 0");
    expect(lines[1]).toBe("\u001b[31m✗\u001b[0m qos0.lost ≤ 1% \u001b[2m…\u001b[0m \u001b[31m3.2%\u001b[0m");
  });

  it("never shows a failing value as equal to its bound", () => {
    expect(formatObserved(0.01004, { maxRate: 0.01 })).toBe("1.004%");
    expect(formatObserved(0.9995, { minRate: 1 })).toBe("99.95%");
    expect(formatObserved(500.04, { max: 500 })).toBe("500.04");
    expect(formatObserved(0.01, { maxRate: 0.01 })).toBe("1%");
  });

  it("formatPercent", () => {
    expect(formatPercent(0)).toBe("0%");
    expect(formatPercent(0.032)).toBe("3.2%");
    expect(formatPercent(1)).toBe("100%");
    expect(formatPercent(0.00033)).toBe("0.033%");
    expect(formatPercent(0.3333)).toBe("33.3%");
  });
});
