/**
 * Baseline comparison for nightly regression runs: per scenario and QoS level, the metrics that got worse
 * beyond a tolerance. Loss-like metrics compare as rates of `sent` (so a longer run is not a regression by
 * itself); latency compares p99 with a relative tolerance and an absolute floor against noise.
 */
import { QOS_LEVELS, type QosResult, type RunResult } from "../result.js";

export interface CompareTolerance {
  /** Allowed increase of a loss / duplicate / corruption rate, absolute (0.001 = 0.1 percentage point). */
  rate: number;
  /** Allowed relative increase of p99 latency (0.5 = +50 %). */
  latency: number;
  /** p99 increases below this many ms are noise. */
  latencyFloorMs: number;
}

export const DEFAULT_TOLERANCE: CompareTolerance = { rate: 0.001, latency: 0.5, latencyFloorMs: 20 };

export interface MetricComparison {
  scenario: string;
  qos: string;
  metric: string;
  baseline: number;
  current: number;
  /** worse beyond the tolerance / better / within it. */
  status: "regression" | "improvement" | "same";
}

export interface Comparison {
  rows: MetricComparison[];
  regressions: MetricComparison[];
  /** Scenarios or levels present in only one side. */
  unmatched: string[];
}

const RATE_METRICS = ["lostAcked", "lostUnacked", "duplicates", "reordered", "corrupted", "unexpected"] as const;

function rate(result: QosResult, metric: (typeof RATE_METRICS)[number]): number {
  return result.sent > 0 ? result[metric] / result.sent : 0;
}

function status(delta: number, allowed: number): MetricComparison["status"] {
  if (delta > allowed) return "regression";
  if (delta < -allowed) return "improvement";
  return "same";
}

export function compareResults(baseline: RunResult[], current: RunResult[], tolerance: CompareTolerance = DEFAULT_TOLERANCE): Comparison {
  const rows: MetricComparison[] = [];
  const unmatched: string[] = [];
  const base = new Map(baseline.map((result) => [result.scenario, result]));
  for (const now of current) {
    const before = base.get(now.scenario);
    if (!before) {
      unmatched.push(`${now.scenario}: not in the baseline`);
      continue;
    }
    for (const level of QOS_LEVELS) {
      const key = `${level}` as const;
      const was = before.qos[key];
      const is = now.qos[key];
      if (!was || !is) {
        if (was || is) unmatched.push(`${now.scenario} qos${level}: only in the ${was ? "baseline" : "current run"}`);
        continue;
      }
      for (const metric of RATE_METRICS) {
        const b = rate(was, metric);
        const c = rate(is, metric);
        rows.push({ scenario: now.scenario, qos: key, metric: `${metric} rate`, baseline: b, current: c, status: status(c - b, tolerance.rate) });
      }
      const b = was.latencyMs.p99;
      const c = is.latencyMs.p99;
      rows.push({
        scenario: now.scenario,
        qos: key,
        metric: "p99 latency ms",
        baseline: b,
        current: c,
        status: status(c - b, Math.max(tolerance.latencyFloorMs, b * tolerance.latency)),
      });
    }
  }
  for (const before of baseline) {
    if (!current.some((result) => result.scenario === before.scenario)) unmatched.push(`${before.scenario}: not in the current run`);
  }
  return { rows, regressions: rows.filter((row) => row.status === "regression"), unmatched };
}

function show(metric: string, value: number): string {
  return metric.endsWith("rate") ? `${(value * 100).toFixed(3)}%` : value.toFixed(1);
}

export function formatComparison(comparison: Comparison, options: { all?: boolean } = {}): string {
  const rows = options.all ? comparison.rows : comparison.rows.filter((row) => row.status !== "same");
  const lines = ["scenario                        qos  metric              baseline     current      status"];
  for (const row of rows) {
    lines.push(
      `${row.scenario.padEnd(32)}${row.qos.padEnd(5)}${row.metric.padEnd(20)}${show(row.metric, row.baseline).padStart(9)}  ${show(row.metric, row.current).padStart(10)}      ${row.status === "regression" ? "✗ worse" : row.status === "improvement" ? "✓ better" : "= same"}`,
    );
  }
  if (rows.length === 0) lines.push("(no metric changed beyond the tolerance)");
  for (const note of comparison.unmatched) lines.push(`! ${note}`);
  lines.push(comparison.regressions.length > 0 ? `${comparison.regressions.length} regression(s)` : "no regression");
  return lines.join("\n");
}
