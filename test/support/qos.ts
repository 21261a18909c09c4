import type { LatencySummary, QosResult } from "../../harness/result.js";

/** A QosResult of 1000 clean deliveries, with overrides. */
export function qosResult(overrides: Partial<QosResult> = {}, latencyMs: LatencySummary = { p50: 2, p90: 5, p99: 12.34, p999: 40, max: 80 }): QosResult {
  return {
    sent: 1000,
    acked: 1000,
    delivered: 1000,
    lostAcked: 0,
    lostUnacked: 0,
    recovered: 0,
    duplicates: 0,
    reordered: 0,
    corrupted: 0,
    unexpected: 0,
    latencyMs,
    ...overrides,
  };
}
