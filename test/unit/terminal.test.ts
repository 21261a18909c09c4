import { describe, expect, it } from "vitest";
import { formatQosTable, millis } from "../../harness/report/terminal.js";
import { qosResult } from "../support/qos.js";
import type { QosResult } from "../../harness/result.js";

const qos = (overrides: Partial<QosResult> = {}): QosResult => qosResult(overrides, { p50: 2.04, p90: 5, p99: 12.34, p999: 40, max: 180.6 });

describe("formatQosTable", () => {
  it("one aligned row per level, QoS 0 acks shown as -", () => {
    const table = formatQosTable({
      "2": qos({ duplicates: 3 }),
      "0": qos({ acked: 0, delivered: 990, lostUnacked: 10 }),
    });
    expect(table.split("\n")).toEqual([
      "qos  sent  acked  delivered  lostAcked  lostUnacked  recovered  dup  reord  corrupt  unexp  p50 ms  p99 ms  max ms",
      "  0  1000      -        990          -           10          0    0      0        0      0     2.0    12.3     181",
      "  2  1000   1000       1000          0            0          0    3      0        0      0     2.0    12.3     181",
    ]);
  });

  it("colors only non-zero trouble, keeping the alignment", () => {
    const table = formatQosTable({ "1": qos({ lostAcked: 4 }) }, { color: true });
    const plain = table.replace(/\u001b\[\d+m/g, "");
    expect(plain).toBe(formatQosTable({ "1": qos({ lostAcked: 4 }) }));
    expect(table).toContain("\u001b[31m        4\u001b[0m");
    expect(table).not.toContain("\u001b[33m");
  });

  it("no results", () => {
    expect(formatQosTable({})).toBe("no QoS results");
  });

  it("millis", () => {
    expect(millis(Number.NaN)).toBe("-");
    expect(millis(0.25)).toBe("0.3");
    expect(millis(99.94)).toBe("99.9");
    expect(millis(1234.4)).toBe("1234");
  });
});

describe("formatSuiteTable", () => {
  it("one row per scenario and QoS level, scenario left-aligned, verdict last", async () => {
    const { formatSuiteTable } = await import("../../harness/report/terminal.js");
    const table = formatSuiteTable([
      { scenario: "baseline", pass: true, qos: { "1": qos() } },
      { scenario: "kafka-crash-at-most-once", pass: false, qos: { "1": qos({ lostAcked: 4 }), "2": qos({ lostAcked: 3 }) } },
    ]);
    const lines = table.split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^scenario\s+qos\s+sent .* verdict$/);
    expect(lines[1]).toMatch(/^baseline\s+1\s+1000 .* pass$/);
    expect(lines[3]).toMatch(/^kafka-crash-at-most-once\s+2\s+1000\s+1000\s+1000\s+3 .* FAIL$/);
  });
});
