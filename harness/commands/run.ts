/** `losslab run`, `losslab list` and `losslab reconcile`. */
import type { Command } from "commander";
import { resolve } from "node:path";
import { listScenarios, loadScenario } from "../scenario/load.js";
import { resolveScenario, type ScenarioOverrides } from "../scenario/resolve.js";
import { runScenario, type RunOutcome } from "../run.js";
import { formatQosTable, formatSuiteTable } from "../report/terminal.js";
import { formatVerdictLines } from "../report/verdict.js";
import { progressPrinter } from "../report/progress.js";
import { describeError, LosslabError } from "../errors.js";
import { reconcileRunDir } from "./reconcile-run.js";
import { parseImageOption, runAction } from "./action.js";
import { findRunDirs, loadResults, writeRunReports, writeSuiteReports } from "../report/files.js";
import { compareResults, DEFAULT_TOLERANCE, formatComparison } from "../report/compare.js";
import type { RunResult } from "../result.js";
import { chooseRuntime, parseRuntimeChoice } from "../env/select.js";
import type { ContainerImages } from "../setup/images.js";

/** What `npm start` runs. */
export const DEFAULT_SUITE = ["baseline"];

interface RunFlags {
  runtime?: string;
  bridgeImage?: string;
  image?: Partial<ContainerImages>;
  out: string;
  seed?: string;
  duration?: string;
  rate?: string;
  qos?: string;
  bridgeCmd?: string;
  suite?: string;
  quiet?: boolean;
  baseline?: string;
}

function overridesFrom(flags: RunFlags): ScenarioOverrides {
  const overrides: ScenarioOverrides = {};
  if (flags.seed !== undefined) overrides.seed = Number(flags.seed);
  if (flags.duration !== undefined) overrides.duration = flags.duration;
  if (flags.rate !== undefined) overrides.ratePerSecond = Number(flags.rate);
  if (flags.qos !== undefined) overrides.qos = flags.qos.split(",").map((level) => Number(level.trim()));
  if (flags.bridgeCmd !== undefined) overrides.bridgeCommand = flags.bridgeCmd;
  if (flags.bridgeImage !== undefined) overrides.bridgeImage = flags.bridgeImage;
  return overrides;
}

export function printOutcome(outcome: RunOutcome, color: boolean): void {
  const { result } = outcome;
  console.log("");
  console.log(`${result.scenario}  run ${result.runId}  (${result.runtime}; mosquitto ${result.versions.mosquitto}, kafka ${result.versions.kafka})`);
  for (const fault of result.faults) {
    const end = fault.endMs === null ? "until heal" : `${fault.endMs} ms`;
    console.log(`  fault ${fault.kind} ${fault.target}: ${fault.startMs} ms → ${end}${fault.error ? `  (error: ${fault.error})` : ""}`);
  }
  console.log(formatQosTable(result.qos, { color }));
  for (const line of formatVerdictLines(result.expectations, { color })) console.log(line);
  for (const warning of outcome.warnings) console.log(`  ! ${warning}`);
  console.log(`  ${result.pass ? "PASS" : "FAIL"}  ${outcome.runDir}/result.json`);
  console.log(`        report: ${outcome.runDir}/report.html`);
}

async function runCommand(names: string[], flags: RunFlags): Promise<number> {
  const runtimeChoice = parseRuntimeChoice(flags.runtime);
  const scenarios = names.length > 0 ? names : flags.suite === "default" || flags.suite === undefined ? DEFAULT_SUITE : [];
  if (scenarios.length === 0) throw new LosslabError("USAGE", `unknown suite ${flags.suite}; use --suite default or name scenarios`);
  const overrides = overridesFrom(flags);
  // Validate every scenario before starting anything: a typo in the third one should not cost two runs.
  const resolved = [];
  for (const name of scenarios) resolved.push(resolveScenario(await loadScenario(name), overrides, { source: name }));
  const color = process.stdout.isTTY === true;
  let failed = 0;
  let harnessErrors = 0;
  const runDirs: string[] = [];
  const results: RunResult[] = [];
  const summary: string[] = [];
  for (const scenario of resolved) {
    console.log(`▶ ${scenario.name}: ${scenario.description}`);
    for (const warning of scenario.warnings) console.log(`  ! ${warning}`);
    const progress = progressPrinter();
    let outcome: RunOutcome;
    try {
      const decision = await chooseRuntime(runtimeChoice, { kafkaVersion: scenario.brokers.kafka.version ?? undefined, bridgeImage: scenario.bridge.image, images: flags.image });
      console.log(`  runtime: ${decision.runtime}${decision.reason === "requested" ? "" : ` (auto: ${decision.reason})`}`);
      outcome = await runScenario(scenario, {
        runtime: decision.runtime,
        images: flags.image,
        outDir: resolve(flags.out),
        log: flags.quiet ? undefined : (line) => process.stderr.write(`  ${line}\n`),
        onProgress: flags.quiet ? undefined : progress.update,
      });
    } catch (error) {
      // One scenario that cannot run does not stop the suite; the suite then exits 2.
      progress.done();
      if (resolved.length === 1) throw error;
      harnessErrors++;
      console.error(`  ✗ ${scenario.name} could not run: ${describeError(error)}`);
      summary.push(`! ${scenario.name} (harness error)`);
      continue;
    }
    progress.done();
    printOutcome(outcome, color);
    runDirs.push(outcome.runDir);
    results.push(outcome.result);
    if (!outcome.result.pass) failed++;
    summary.push(`${outcome.result.pass ? "✓" : "✗"} ${scenario.name}`);
  }
  if (resolved.length > 1) {
    console.log("");
    console.log(formatSuiteTable(results, { color }));
    for (const line of summary.filter((entry) => entry.startsWith("!"))) console.log(line);
    const [index] = await writeSuiteReports(resolve(flags.out), runDirs);
    console.log(`suite report: ${index}`);
  }
  if (harnessErrors > 0) return 2;
  let regressions = 0;
  if (flags.baseline) {
    const comparison = compareResults(await loadResults(resolve(flags.baseline)), results);
    console.log("");
    console.log(`compared with ${flags.baseline}:`);
    console.log(formatComparison(comparison));
    regressions = comparison.regressions.length;
  }
  return failed > 0 || regressions > 0 ? 1 : 0;
}

export function registerRunCommands(program: Command): void {
  program
    .command("run")
    .description("run scenarios (built-in names or files) and judge them; exit 1 when an expectation fails")
    .argument("[scenarios...]", "built-in scenario names or .ts/.js/.json/.yaml files")
    .option("--runtime <runtime>", "auto (default; or $LOSSLAB_RUNTIME), native or containers")
    .option("--out <dir>", "output folder", "reports")
    .option("--seed <n>", "random seed")
    .option("--duration <d>", "workload duration, e.g. 30s")
    .option("--rate <n>", "total publish rate, messages per second")
    .option("--qos <levels>", "QoS levels, e.g. 0,1,2")
    .option("--bridge-cmd <cmd>", "run this command as the bridge (LOSSLAB_* environment)")
    .option("--bridge-image <image>", "containers runtime: run this image as the bridge (LOSSLAB_* environment)")
    .option("--image <role=image>", "containers runtime: image for mosquitto, kafka, toxiproxy or bridge (repeatable)", parseImageOption)
    .option("--suite <name>", "run a named suite when no scenario is given", "default")
    .option("--quiet", "no progress lines")
    .option("--baseline <file>", "compare with a baseline result.json (or folder of them); exit 1 on regression")
    .action((names: string[], flags: RunFlags) => runAction(() => runCommand(names, flags)));

  program
    .command("list")
    .description("list the built-in scenarios")
    .action(() =>
      runAction(async () => {
        for (const scenario of await listScenarios()) {
          console.log(`${scenario.name.padEnd(28)} ${scenario.error ? `(invalid: ${scenario.error})` : scenario.description}`);
        }
        return 0;
      }),
    );

  program
    .command("report")
    .description("regenerate report.html, junit.xml and summary.md of a run folder (or every run below a folder)")
    .argument("<dir>", "a run folder, or an output folder holding several")
    .action((dir: string) =>
      runAction(async () => {
        const root = resolve(dir);
        const results = await loadResults(root);
        const runDirs = findRunDirs(root);
        for (const runDir of runDirs) for (const file of await writeRunReports(runDir)) console.log(file);
        if (runDirs.length > 1) for (const file of await writeSuiteReports(root, runDirs)) console.log(file);
        return results.length > 0 ? 0 : 2;
      }),
    );

  program
    .command("compare")
    .description("compare a run (or suite) with a baseline: exit 1 when a metric got worse beyond the tolerance")
    .argument("<baseline>", "baseline result.json, or a folder of runs")
    .argument("<current>", "current result.json, or a folder of runs")
    .option("--tolerance-rate <fraction>", "allowed increase of loss/duplicate rates, absolute", String(DEFAULT_TOLERANCE.rate))
    .option("--tolerance-latency <fraction>", "allowed relative increase of p99 latency", String(DEFAULT_TOLERANCE.latency))
    .option("--all", "show unchanged metrics too")
    .action((baseline: string, current: string, flags: { toleranceRate: string; toleranceLatency: string; all?: boolean }) =>
      runAction(async () => {
        const tolerance = { ...DEFAULT_TOLERANCE, rate: Number(flags.toleranceRate), latency: Number(flags.toleranceLatency) };
        if (!Number.isFinite(tolerance.rate) || !Number.isFinite(tolerance.latency)) {
          throw new LosslabError("USAGE", "--tolerance-rate and --tolerance-latency take numbers, e.g. 0.001 and 0.5");
        }
        const comparison = compareResults(await loadResults(resolve(baseline)), await loadResults(resolve(current)), tolerance);
        console.log(formatComparison(comparison, { all: flags.all }));
        return comparison.regressions.length > 0 ? 1 : 0;
      }),
    );

  program
    .command("reconcile")
    .description("reconcile a run folder's ledger against Kafka again (the environment must still be up)")
    .argument("<runDir>", "a run folder holding ledger files")
    .option("--brokers <list>", "Kafka DIRECT bootstrap servers (default: those recorded in the ledger)")
    .action((runDir: string, flags: { brokers?: string }) =>
      runAction(async () => {
        const output = await reconcileRunDir(resolve(runDir), { brokers: flags.brokers?.split(",") });
        console.log(formatQosTable(output.qos, { color: process.stdout.isTTY === true }));
        return 0;
      }),
    );
}
