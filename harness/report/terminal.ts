/**
 * The terminal summary's per-QoS table: plain padding, no table library (one small table does not
 * justify a dependency, and the width of colored text is easy to handle by padding before painting).
 */
import { QOS_LEVELS, type QosLevel, type QosResult } from "../result.js";

type QosResults = Partial<Record<`${QosLevel}`, QosResult>>;

type Tone = "bad" | "warn" | undefined;

export interface QosColumn {
  header: string;
  cell: (result: QosResult, level: QosLevel) => string;
  /** How to color a cell whose value is not zero. */
  tone?: Tone;
}

export const QOS_TABLE_COLUMNS: readonly QosColumn[] = [
  { header: "qos", cell: (_, level) => String(level) },
  { header: "sent", cell: (r) => count(r.sent) },
  // QoS 0 is never acknowledged: "-" rather than a 0 that reads like a failure.
  { header: "acked", cell: (r, level) => (level === 0 && r.acked === 0 ? "-" : count(r.acked)) },
  { header: "delivered", cell: (r) => count(r.delivered) },
  { header: "lostAcked", cell: (r, level) => (level === 0 && r.lostAcked === 0 ? "-" : count(r.lostAcked)), tone: "bad" },
  { header: "lostUnacked", cell: (r) => count(r.lostUnacked), tone: "warn" },
  { header: "recovered", cell: (r) => count(r.recovered) },
  { header: "dup", cell: (r) => count(r.duplicates), tone: "warn" },
  { header: "reord", cell: (r) => count(r.reordered), tone: "warn" },
  { header: "corrupt", cell: (r) => count(r.corrupted), tone: "bad" },
  { header: "unexp", cell: (r) => count(r.unexpected), tone: "bad" },
  { header: "p50 ms", cell: (r) => millis(r.latencyMs.p50) },
  { header: "p99 ms", cell: (r) => millis(r.latencyMs.p99) },
  { header: "max ms", cell: (r) => millis(r.latencyMs.max) },
];

const ANSI = { bad: "\u001b[31m", warn: "\u001b[33m", bold: "\u001b[1m", reset: "\u001b[0m" } as const;

function count(value: number): string {
  return Number.isFinite(value) ? String(value) : "-";
}

/** Latency: one decimal under 100 ms, whole ms above, "-" when not measured. */
export function millis(value: number): string {
  if (!Number.isFinite(value)) return "-";
  return value < 100 ? value.toFixed(1) : String(Math.round(value));
}

/**
 * One row per QoS level present, numbers right-aligned:
 *
 *   qos  sent  acked  delivered  lostAcked  …  p50 ms  p99 ms  max ms
 *     0  1000      -       1000          -  …     2.1     7.9    12.0
 */
export function formatQosTable(qos: QosResults, options: { color?: boolean } = {}): string {
  const levels = QOS_LEVELS.filter((level) => qos[`${level}`] !== undefined);
  if (levels.length === 0) return "no QoS results";
  return alignedTable(
    QOS_TABLE_COLUMNS,
    levels.map((level) => QOS_TABLE_COLUMNS.map((column) => column.cell(qos[`${level}`] as QosResult, level))),
    options,
  );
}

/** The suite's summary: one row per scenario and QoS level, the verdict last. */
export function formatSuiteTable(results: readonly { scenario: string; pass: boolean; qos: QosResults }[], options: { color?: boolean } = {}): string {
  const columns: readonly QosColumn[] = [
    { header: "scenario", cell: () => "" },
    ...QOS_TABLE_COLUMNS,
    { header: "verdict", cell: () => "" },
  ];
  const rows: string[][] = [];
  for (const result of results) {
    for (const level of QOS_LEVELS) {
      const qos = result.qos[`${level}`];
      if (!qos) continue;
      rows.push([result.scenario, ...QOS_TABLE_COLUMNS.map((column) => column.cell(qos, level)), result.pass ? "pass" : "FAIL"]);
    }
  }
  return alignedTable(columns, rows, options, new Set([0]));
}

function alignedTable(columns: readonly QosColumn[], rows: string[][], options: { color?: boolean }, leftAligned = new Set<number>()): string {
  const widths = columns.map((column, index) => Math.max(column.header.length, ...rows.map((row) => (row[index] ?? "").length)));
  const paint = (tone: Tone | "bold", text: string): string =>
    options.color === true && tone !== undefined ? `${ANSI[tone]}${text}${ANSI.reset}` : text;
  const pad = (text: string, index: number): string => (leftAligned.has(index) ? text.padEnd(widths[index] ?? 0) : text.padStart(widths[index] ?? 0));
  const header = columns.map((column, index) => paint("bold", pad(column.header, index))).join("  ");
  const body = rows.map((row) =>
    row
      .map((cell, index) => {
        const padded = pad(cell, index);
        const tone = columns[index]?.tone;
        return tone !== undefined && cell !== "0" && cell !== "-" ? paint(tone, padded) : padded;
      })
      .join("  "),
  );
  return [header, ...body].join("\n");
}
