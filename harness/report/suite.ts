/** index.html of a suite run: one row per scenario with its verdict and key counts, linking each report. */
import { QOS_LEVELS, type RunResult } from "../result.js";
import { escapeHtml, PAGE_STYLE } from "./html.js";

export function renderSuiteIndex(runs: { result: RunResult; href: string }[]): string {
  const rows = runs
    .map(({ result, href }) => {
      const levels = QOS_LEVELS.filter((level) => result.qos[`${level}`]);
      const cell = (pick: (level: (typeof levels)[number]) => number): string => levels.map((level) => `${level}: ${pick(level)}`).join(", ");
      return `<tr><td><a href="${escapeHtml(href)}">${escapeHtml(result.scenario)}</a></td><td class="${result.pass ? "pass" : "fail"}">${result.pass ? "PASS" : "FAIL"}</td>
<td>${escapeHtml(cell((level) => result.qos[`${level}`]!.sent))}</td><td>${escapeHtml(cell((level) => result.qos[`${level}`]!.lostAcked))}</td>
<td>${escapeHtml(cell((level) => result.qos[`${level}`]!.lostUnacked))}</td><td>${escapeHtml(cell((level) => result.qos[`${level}`]!.duplicates))}</td>
<td>${escapeHtml(cell((level) => result.qos[`${level}`]!.latencyMs.p99))}</td></tr>`;
    })
    .join("\n");
  const passed = runs.filter((run) => run.result.pass).length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>losslab suite</title><style>${PAGE_STYLE}</style></head>
<body><h1>losslab suite: ${passed} of ${runs.length} scenarios passed</h1>
<table><thead><tr><th>scenario</th><th>verdict</th><th>sent</th><th>lost acked</th><th>lost unacked</th><th>duplicates</th><th>p99 ms</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`;
}
