/** summary.md for CI job summaries: one table row per scenario and QoS level, then the failed expectations. */
import { QOS_LEVELS, type RunResult } from "../result.js";
import { QOS_TABLE_COLUMNS } from "./terminal.js";
import { formatVerdictLines } from "./verdict.js";

export function summaryMarkdown(results: RunResult[]): string {
  const header = ["scenario", ...QOS_TABLE_COLUMNS.map((column) => column.header), "verdict"];
  const lines = [
    `# losslab: ${results.every((result) => result.pass) ? "✅ all expectations met" : "❌ expectations failed"}`,
    "",
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
  ];
  for (const result of results) {
    for (const level of QOS_LEVELS) {
      const qos = result.qos[`${level}`];
      if (!qos) continue;
      const cells = QOS_TABLE_COLUMNS.map((column) => column.cell(qos, level));
      lines.push(`| ${result.scenario} | ${cells.join(" | ")} | ${result.pass ? "pass" : "**fail**"} |`);
    }
  }
  const failed = results.flatMap((result) =>
    formatVerdictLines(result.expectations.filter((e) => !e.pass), { color: false }).map((line) => `- ${result.scenario}: ${line}`),
  );
  if (failed.length > 0) lines.push("", "## Failed expectations", "", ...failed);
  return lines.join("\n") + "\n";
}
