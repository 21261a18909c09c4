/** junit.xml: one test suite per scenario run, one test case per expectation; failures carry observed vs bound. */
import type { RunResult } from "../result.js";
import { formatObserved } from "./verdict.js";

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);
}

function seconds(result: RunResult): string {
  return ((Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000).toFixed(3);
}

export function junitSuite(result: RunResult): string {
  const failures = result.expectations.filter((expectation) => !expectation.pass).length;
  const cases = result.expectations
    .map((expectation) => {
      const name = escapeXml(expectation.name);
      const head = `    <testcase classname="losslab.${escapeXml(result.scenario)}" name="${name}">`;
      if (expectation.pass) return `${head}</testcase>`;
      const observed = expectation.bound ? formatObserved(expectation.observed, expectation.bound) : String(expectation.observed);
      const expected = expectation.bound ? JSON.stringify(expectation.bound) : "measured";
      const message = `observed ${observed}, expected ${expected}`;
      return `${head}\n      <failure message="${escapeXml(message)}" type="expectation">${escapeXml(`${expectation.name}: ${message}`)}</failure>\n    </testcase>`;
    })
    .join("\n");
  return `  <testsuite name="${escapeXml(result.scenario)}" tests="${result.expectations.length}" failures="${failures}" errors="0" time="${seconds(result)}" timestamp="${escapeXml(result.startedAt)}">
    <properties><property name="runId" value="${escapeXml(result.runId)}"/><property name="runtime" value="${escapeXml(result.runtime)}"/><property name="seed" value="${result.seed}"/></properties>
${cases}
  </testsuite>`;
}

export function junitXml(results: RunResult[]): string {
  const tests = results.reduce((sum, result) => sum + result.expectations.length, 0);
  const failures = results.reduce((sum, result) => sum + result.expectations.filter((e) => !e.pass).length, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="losslab" tests="${tests}" failures="${failures}">
${results.map(junitSuite).join("\n")}
</testsuites>
`;
}
