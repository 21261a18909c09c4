/** Reports generated from runs recorded by real runs (test/fixtures/runs: result, anomalies and series files). */
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { readRunReportInput, writeRunReports, writeSuiteReports } from "../../harness/report/files.js";
import { renderRunReport } from "../../harness/report/html.js";
import { junitXml } from "../../harness/report/junit.js";
import { summaryMarkdown } from "../../harness/report/markdown.js";
import { ROOT } from "../support/cli.js";

const FIXTURES = join(ROOT, "test", "fixtures", "runs");

function copyFixtures(): string {
  const dir = mkdtempSync(join(tmpdir(), "losslab-report-"));
  cpSync(FIXTURES, dir, { recursive: true });
  return dir;
}

describe("report.html", () => {
  it("has the verdict, the per-QoS table, four charts as inline SVG and the anomaly examples", async () => {
    const input = await readRunReportInput(join(FIXTURES, "qos0-connection-resets"));
    const html = await renderRunReport(input);
    expect(html).toContain("qos0-connection-resets");
    expect(html).toContain("✗ qos0.lost ≤ 0");
    expect(html.match(/<svg /g)).toHaveLength(4);
    for (const title of ["Messages per second", "Backlog", "latency percentiles", "Latency over time"]) expect(html).toContain(title);
    // the fault window is drawn: one shaded rect per fault in the timeline chart
    expect(html).toContain("reset_peer");
    expect(html).toContain("<summary>lostUnacked");
    // self-contained: no script, no external resource
    expect(html).not.toMatch(/<script|src="http|href="http/);
  });

  it("works without series.json (an older or crashed run): the latency percentiles still show", async () => {
    const input = await readRunReportInput(join(FIXTURES, "baseline"));
    const html = await renderRunReport({ ...input, series: undefined });
    expect(html.match(/<svg /g)).toHaveLength(1);
  });
});

describe("junit.xml and summary.md", () => {
  it("gives one test case per expectation, failures with observed and expected, as valid XML", async () => {
    const results = [
      (await readRunReportInput(join(FIXTURES, "baseline"))).result,
      (await readRunReportInput(join(FIXTURES, "qos0-connection-resets"))).result,
    ];
    const xml = junitXml(results);
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml) as {
      testsuites: { "@_tests": string; "@_failures": string; testsuite: { "@_name": string; testcase: { failure?: { "@_message": string } }[] }[] };
    };
    const expected = results.reduce((sum, result) => sum + result.expectations.length, 0);
    expect(Number(parsed.testsuites["@_tests"])).toBe(expected);
    expect(Number(parsed.testsuites["@_failures"])).toBe(1);
    const failing = parsed.testsuites.testsuite[1]!.testcase.find((testcase) => testcase.failure);
    expect(failing?.failure?.["@_message"]).toMatch(/^observed 214, expected \{"max":0\}$/);
  });

  it("summary.md has a row per scenario and QoS level and lists the failures", async () => {
    const results = [(await readRunReportInput(join(FIXTURES, "qos0-connection-resets"))).result];
    const markdown = summaryMarkdown(results);
    expect(markdown.split("\n").filter((line) => line.startsWith("| qos0-connection-resets |"))).toHaveLength(3);
    expect(markdown).toContain("## Failed expectations");
  });

  it("writes a run folder's reports and a suite index linking them", async () => {
    const dir = copyFixtures();
    const files = await writeRunReports(join(dir, "baseline"));
    expect(files.map((file) => file.split("/").pop())).toEqual(["report.html", "junit.xml", "summary.md"]);
    await writeSuiteReports(dir, [join(dir, "baseline"), join(dir, "qos0-connection-resets")]);
    const index = readFileSync(join(dir, "index.html"), "utf8");
    expect(index).toContain('href="baseline/report.html"');
    expect(index).toContain("1 of 2 scenarios passed");
  });
});
