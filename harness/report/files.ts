/**
 * A run folder's report files. The run writes result.json (contract), anomalies.json (capped examples and
 * warnings) and series.json (per-second data); the reports (report.html, junit.xml, summary.md) are derived
 * from those three, so `losslab report <run dir>` can regenerate them at any time.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { LosslabError } from "../errors.js";
import type { RunResult } from "../result.js";
import { renderRunReport, type RunReportInput } from "./html.js";
import { junitXml } from "./junit.js";
import { summaryMarkdown } from "./markdown.js";
import { renderSuiteIndex } from "./suite.js";
import { SERIES_FILE, type RunSeries } from "./series.js";

export const RESULT_FILE = "result.json";
export const ANOMALIES_FILE = "anomalies.json";
export const REPORT_FILE = "report.html";
export const JUNIT_FILE = "junit.xml";
export const SUMMARY_FILE = "summary.md";

export async function writeRunFiles(runDir: string, result: RunResult, anomalies: unknown, series?: RunSeries): Promise<void> {
  await writeFile(join(runDir, RESULT_FILE), JSON.stringify(result, null, 2) + "\n");
  await writeFile(join(runDir, ANOMALIES_FILE), JSON.stringify(anomalies, null, 2) + "\n");
  if (series) await writeFile(join(runDir, SERIES_FILE), JSON.stringify(series) + "\n");
}

async function readJson<T>(file: string): Promise<T> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as T;
  } catch (error) {
    throw new LosslabError("USAGE", `cannot read ${file}`, { cause: error });
  }
}

export async function readRunReportInput(runDir: string): Promise<RunReportInput> {
  const resultFile = join(runDir, RESULT_FILE);
  if (!existsSync(resultFile)) throw new LosslabError("USAGE", `${runDir} has no ${RESULT_FILE}: not a losslab run folder`);
  const result = await readJson<RunResult>(resultFile);
  if (result.schema !== "losslab/result@1") throw new LosslabError("USAGE", `${resultFile}: schema ${String(result.schema)} is not losslab/result@1`);
  const anomalies = existsSync(join(runDir, ANOMALIES_FILE)) ? await readJson<RunReportInput["anomalies"]>(join(runDir, ANOMALIES_FILE)) : undefined;
  const series = existsSync(join(runDir, SERIES_FILE)) ? await readJson<RunSeries>(join(runDir, SERIES_FILE)) : undefined;
  return { result, anomalies, series };
}

/** report.html, junit.xml and summary.md of one run folder. */
export async function writeRunReports(runDir: string): Promise<string[]> {
  const input = await readRunReportInput(runDir);
  await writeFile(join(runDir, REPORT_FILE), await renderRunReport(input));
  await writeFile(join(runDir, JUNIT_FILE), junitXml([input.result]));
  await writeFile(join(runDir, SUMMARY_FILE), summaryMarkdown([input.result]));
  return [REPORT_FILE, JUNIT_FILE, SUMMARY_FILE].map((file) => join(runDir, file));
}

/** index.html (linking each run's report), junit.xml and summary.md over the runs of a suite. */
export async function writeSuiteReports(outDir: string, runDirs: string[]): Promise<string[]> {
  const runs = await Promise.all(runDirs.map(async (runDir) => ({ runDir, result: (await readRunReportInput(runDir)).result })));
  const results = runs.map((run) => run.result);
  await writeFile(
    join(outDir, "index.html"),
    renderSuiteIndex(runs.map((run) => ({ result: run.result, href: join(relative(outDir, run.runDir), REPORT_FILE) }))),
  );
  await writeFile(join(outDir, JUNIT_FILE), junitXml(results));
  await writeFile(join(outDir, SUMMARY_FILE), summaryMarkdown(results));
  return ["index.html", JUNIT_FILE, SUMMARY_FILE].map((file) => join(outDir, file));
}

/** Run folders (holding result.json) at or below a folder, sorted (run ids sort by time). */
export function findRunDirs(root: string): string[] {
  if (existsSync(join(root, RESULT_FILE))) return [root];
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const path = join(dir, entry.name);
      if (existsSync(join(path, RESULT_FILE))) found.push(path);
      else walk(path);
    }
  };
  walk(root);
  return found.sort((a, b) => basename(a).localeCompare(basename(b)));
}

/** Results from a result.json file, or the newest run of each scenario below a folder (a suite's output). */
export async function loadResults(path: string): Promise<RunResult[]> {
  if (!existsSync(path)) throw new LosslabError("USAGE", `${path} does not exist`);
  if (statSync(path).isFile()) return [await readJson<RunResult>(path)];
  const runDirs = findRunDirs(path);
  if (runDirs.length === 0) throw new LosslabError("USAGE", `no ${RESULT_FILE} below ${path}`);
  const latest = new Map<string, RunResult>();
  for (const runDir of runDirs) {
    const result = await readJson<RunResult>(join(runDir, RESULT_FILE));
    latest.set(result.scenario, result);
  }
  return [...latest.values()];
}
