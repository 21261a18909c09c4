/**
 * report.html: one self-contained page per run (no script, no network): the verdict, the per-QoS table,
 * the charts as inline SVG, the faults, warnings and capped anomaly examples.
 */
import type { RunResult } from "../result.js";
import { QOS_LEVELS } from "../result.js";
import { backlogChart, latencyOverTimeChart, latencyPercentileChart, timelineChart } from "./charts.js";
import { QOS_TABLE_COLUMNS } from "./terminal.js";
import { formatVerdictLines } from "./verdict.js";
import type { RunSeries } from "./series.js";

export interface RunReportInput {
  result: RunResult;
  series?: RunSeries;
  anomalies?: { examples?: Record<string, unknown[]>; warnings?: string[] };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export const PAGE_STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1040px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
.pass { color: #1a7f37; } .fail { color: #cf222e; } .meta { color: #666; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
td, th { padding: .2rem .45rem; font-size: 13px; border-bottom: 1px solid #eee; text-align: right; } th { background: #f6f8fa; }
td:first-child, th:first-child { text-align: left; }
.verdict { font-family: ui-monospace, monospace; white-space: pre; }
.chart { margin: 1rem 0; } pre { background: #f6f8fa; padding: .6rem; overflow-x: auto; font-size: 12px; }
`;

function qosTable(result: RunResult): string {
  const levels = QOS_LEVELS.filter((level) => result.qos[`${level}`] !== undefined);
  const head = QOS_TABLE_COLUMNS.map((column) => `<th>${escapeHtml(column.header)}</th>`).join("");
  const rows = levels
    .map((level) => {
      const cells = QOS_TABLE_COLUMNS.map((column) => {
        const text = column.cell(result.qos[`${level}`]!, level);
        const flagged = column.tone !== undefined && text !== "0" && text !== "-";
        return `<td${flagged ? ` class="${column.tone === "bad" ? "fail" : ""}"` : ""}>${escapeHtml(text)}</td>`;
      }).join("");
      return `<tr>${cells}</tr>`;
    })
    .join("\n");
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

export async function renderRunReport(input: RunReportInput): Promise<string> {
  const { result, series, anomalies } = input;
  const verdict = formatVerdictLines(result.expectations, { color: false })
    .map((line) => `<div class="${line.startsWith("✓") ? "pass" : "fail"}">${escapeHtml(line)}</div>`)
    .join("");
  const faults = result.faults.length
    ? `<table><thead><tr><th>fault</th><th>target</th><th>start (ms)</th><th>end (ms)</th><th>error</th></tr></thead><tbody>${result.faults
        .map(
          (fault) =>
            `<tr><td>${escapeHtml(fault.kind)}</td><td>${escapeHtml(fault.target)}</td><td>${fault.startMs}</td><td>${fault.endMs ?? "until heal"}</td><td>${escapeHtml(fault.error ?? "")}</td></tr>`,
        )
        .join("")}</tbody></table>`
    : "<p>No faults.</p>";
  const charts: string[] = [];
  if (series && series.points.length > 0) {
    charts.push(await timelineChart(series, result.faults), await backlogChart(series, result.faults));
  }
  charts.push(await latencyPercentileChart(result.qos));
  if (series && series.points.length > 0) charts.push(await latencyOverTimeChart(series, result.faults));
  const warnings = anomalies?.warnings?.length
    ? `<h2>Warnings</h2><ul>${anomalies.warnings.map((warning) => `<li>${escapeHtml(warning)}</li>`).join("")}</ul>`
    : "";
  const examples = Object.entries(anomalies?.examples ?? {})
    .filter(([, list]) => Array.isArray(list) && list.length > 0)
    .map(([kind, list]) => `<details><summary>${escapeHtml(kind)} (${list.length} shown)</summary><pre>${escapeHtml(JSON.stringify(list, null, 2))}</pre></details>`)
    .join("\n");
  const versions = Object.entries(result.versions)
    .map(([name, version]) => `${escapeHtml(name)} ${escapeHtml(version)}`)
    .join(", ");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>losslab: ${escapeHtml(result.scenario)} ${escapeHtml(result.runId)}</title>
<style>${PAGE_STYLE}</style></head>
<body>
<h1>${escapeHtml(result.scenario)} <span class="${result.pass ? "pass" : "fail"}">${result.pass ? "PASS" : "FAIL"}</span></h1>
<div class="meta">run ${escapeHtml(result.runId)} · ${escapeHtml(result.runtime)} · ${escapeHtml(result.startedAt)} → ${escapeHtml(result.finishedAt)} · seed ${result.seed}<br>${versions}</div>
<h2>Verdict</h2>
<div class="verdict">${verdict}</div>
<h2>Per QoS level</h2>
${qosTable(result)}
<h2>Faults</h2>
${faults}
<h2>Charts</h2>
${charts.map((svg) => `<div class="chart">${svg}</div>`).join("\n")}
${warnings}
<h2>Anomaly examples</h2>
${examples || "<p>None.</p>"}
</body></html>
`;
}
