/**
 * The verdict: a scenario's typed expectations checked against the reconciled per-QoS counts,
 * one ExpectationResult per bound, named k6-style ("qos1.lostAcked ≤ 0", "qos0.lost ≤ 1%").
 */
import type { ExpectationResult, QosLevel, QosResult } from "../result.js";
import {
  EXPECT_METRICS,
  LATENCY_PERCENTILES,
  QOS_KEYS,
  type Bound,
  type ExpectMetric,
  type Expectations,
  type LatencyBound,
} from "../scenario/schema.js";

export type QosResults = Partial<Record<`${QosLevel}`, QosResult>>;

type BoundKey = keyof Bound;
/** Report order within one metric. */
const BOUND_KEYS = ["min", "max", "minRate", "maxRate"] as const satisfies readonly BoundKey[];
const RATE_KEYS = new Set<BoundKey>(["minRate", "maxRate"]);

/** A metric's count; "lost" is lostAcked + lostUnacked. */
export function metricValue(result: QosResult, metric: ExpectMetric): number {
  return metric === "lost" ? result.lostAcked + result.lostUnacked : result[metric];
}

/**
 * One result per bound of each expected metric, in QoS then metric order. Rates are fractions of
 * `sent` (0 when nothing was sent). An expected QoS level missing from the results gives one
 * failing "qos2 was not measured" (observed 0, no bound).
 */
export function evaluateExpectations(expect: Expectations | undefined, qosResults: QosResults): ExpectationResult[] {
  const results: ExpectationResult[] = [];
  for (const key of QOS_KEYS) {
    const expectation = expect?.[key];
    if (expectation === undefined) continue;
    const result = qosResults[key.slice(3) as `${QosLevel}`];
    if (result === undefined) {
      results.push({ name: `${key} was not measured`, observed: 0, pass: false });
      continue;
    }
    for (const metric of EXPECT_METRICS) {
      const bound = expectation[metric];
      if (bound === undefined) continue;
      const count = metricValue(result, metric);
      const rate = result.sent > 0 ? count / result.sent : 0;
      for (const boundKey of BOUND_KEYS) {
        const limit = bound[boundKey];
        if (limit === undefined) continue;
        results.push(check(`${key}.${metric}`, RATE_KEYS.has(boundKey) ? rate : count, boundKey, limit));
      }
    }
    for (const percentile of LATENCY_PERCENTILES) {
      const bound: LatencyBound | undefined = expectation.latencyMs?.[percentile];
      if (bound === undefined) continue;
      for (const boundKey of ["min", "max"] as const) {
        const limit = bound[boundKey];
        if (limit === undefined) continue;
        results.push(check(`${key}.latencyMs.${percentile}`, result.latencyMs[percentile], boundKey, limit));
      }
    }
  }
  return results;
}

function check(subject: string, observed: number, boundKey: BoundKey, limit: number): ExpectationResult {
  const isMax = boundKey === "max" || boundKey === "maxRate";
  const shownLimit = RATE_KEYS.has(boundKey) ? formatPercent(limit, 6) : String(limit);
  // NaN (no latency measured) passes nothing.
  const pass = isMax ? observed <= limit : observed >= limit;
  return { name: `${subject} ${isMax ? "≤" : "≥"} ${shownLimit}`, observed, pass, bound: { [boundKey]: limit } };
}

// ── lines ────────────────────────────────────────────────────────────────────────────────────

const ANSI = { green: "\u001b[32m", red: "\u001b[31m", dim: "\u001b[2m", reset: "\u001b[0m" } as const;

/** "✓ qos1.lostAcked ≤ 0 … 0", "✗ qos0.lost ≤ 1% … 3.2%"; rates shown as percentages. */
export function formatVerdictLines(results: readonly ExpectationResult[], options: { color: boolean }): string[] {
  const paint = (code: string, text: string): string => (options.color ? `${code}${text}${ANSI.reset}` : text);
  return results.map((result) => {
    const mark = result.pass ? paint(ANSI.green, "✓") : paint(ANSI.red, "✗");
    if (result.bound === undefined) return `${mark} ${result.name}`;
    const observed = formatObserved(result.observed, result.bound);
    return `${mark} ${result.name} ${paint(ANSI.dim, "…")} ${result.pass ? observed : paint(ANSI.red, observed)}`;
  });
}

/** The observed value in the bound's unit, with enough digits not to look equal to a limit it is not. */
export function formatObserved(observed: number, bound: Record<string, number>): string {
  const [boundKey, limit] = Object.entries(bound)[0] ?? ["max", Number.NaN];
  const isRate = boundKey === "minRate" || boundKey === "maxRate";
  const format = (value: number, extra: number): string => (isRate ? formatPercent(value, 2 + extra) : formatNumber(value, 1 + extra));
  let extra = 0;
  while (extra < 6 && observed !== limit && format(observed, extra) === format(limit, extra)) extra++;
  return format(observed, extra);
}

/** A count or ms value: integers as they are, others with at most `decimals` decimals. */
export function formatNumber(value: number, decimals = 1): string {
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(decimals)));
}

/** 0.032 → "3.2%", 0.00033 → "0.033%", 1 → "100%": `digits` significant digits below 1%, decimals above. */
export function formatPercent(fraction: number, digits = 2): string {
  if (!Number.isFinite(fraction)) return String(fraction);
  const percent = fraction * 100;
  if (percent === 0) return "0%";
  const text = Math.abs(percent) < 1 ? String(Number(percent.toPrecision(digits))) : String(Number(percent.toFixed(digits - 1)));
  return `${text}%`;
}
