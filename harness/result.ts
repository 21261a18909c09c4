/**
 * The shapes of a run's outcome: result.json (contract losslab/result@1, see DESIGN.md).
 * Shared by the reconciler (which fills QosResult), the verdict (expectations) and the reports.
 */
export const QOS_LEVELS = [0, 1, 2] as const;
export type QosLevel = (typeof QOS_LEVELS)[number];

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** Per-QoS counts, with the outcome words of the design. */
export interface QosResult {
  sent: number;
  acked: number;
  delivered: number;
  lostAcked: number;
  lostUnacked: number;
  recovered: number;
  duplicates: number;
  reordered: number;
  corrupted: number;
  unexpected: number;
  latencyMs: LatencySummary;
}

export type CountMetric = Exclude<keyof QosResult, "latencyMs">;

/** The counts of a QosResult without the latency. */
export type QosCounts = Omit<QosResult, "latencyMs">;

export function emptyCounts(): QosCounts {
  return { sent: 0, acked: 0, delivered: 0, lostAcked: 0, lostUnacked: 0, recovered: 0, duplicates: 0, reordered: 0, corrupted: 0, unexpected: 0 };
}

export function emptyQosResult(): QosResult {
  return { ...emptyCounts(), latencyMs: { p50: 0, p90: 0, p99: 0, p999: 0, max: 0 } };
}

/** A fault as it really happened: ms since the run's start. endMs is null when it never ended. */
export interface FaultEvent {
  kind: string;
  target: string;
  startMs: number;
  endMs: number | null;
  detail?: Record<string, unknown>;
  error?: string;
}

export interface ExpectationResult {
  /** k6-style name, e.g. "qos1.lostAcked ≤ 0". */
  name: string;
  observed: number;
  pass: boolean;
  /** The bound, for reports and junit (e.g. { max: 0 }). */
  bound?: Record<string, number>;
}

export interface RunResult {
  schema: "losslab/result@1";
  scenario: string;
  runId: string;
  runtime: string;
  startedAt: string;
  finishedAt: string;
  seed: number;
  versions: Record<string, string>;
  faults: FaultEvent[];
  qos: Partial<Record<`${QosLevel}`, QosResult>>;
  expectations: ExpectationResult[];
  pass: boolean;
}
