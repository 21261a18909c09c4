/**
 * One run: provision → workload + fault timeline → heal → settle → reconcile → report → dispose.
 * The environment is disposed whatever happens (await using), and the ledger is on disk as the run goes.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Environment, EnvironmentOptions, RuntimeName } from "./env/environment.js";
import { startEnvironment as startRuntime } from "./env/select.js";
import { installSignalTeardown } from "./env/teardown.js";
import { createTopic, topicOffsets } from "./kafka/topic.js";
import { readUntilQuiet } from "./kafka/reader.js";
import { Ledger } from "./ledger/index.js";
import { Reconciler, type ReconcileOutput } from "./reconcile/index.js";
import { evaluateExpectations } from "./report/verdict.js";
import { writeRunFiles, writeRunReports } from "./report/files.js";
import { SeriesCollector } from "./report/series.js";
import { FaultTimeline } from "./faults/timeline.js";
import { declarePublishers, Workload, type WorkloadProgress } from "./workload/workload.js";
import { bridgeEnvironment, type BridgeConfig } from "./bridge/config.js";
import { REFERENCE_BRIDGE_READY, referenceBridgeCommand } from "./bridge/command.js";
import { fillPattern, type ResolvedScenario } from "./scenario/resolve.js";
import { losslabVersion } from "./paths.js";
import { LosslabError } from "./errors.js";
import { newRunId } from "./run-id.js";
import type { ExpectationResult, RunResult } from "./result.js";
import type { RateShape } from "./workload/rate.js";

export interface RunOptions {
  /** Output root: results go to <outDir>/<scenario>/<runId>/. */
  outDir: string;
  /** Default native; `chooseRuntime` (env/select.ts) decides for `auto`. */
  runtime?: RuntimeName;
  /** Containers runtime: image overrides. */
  images?: EnvironmentOptions["images"];
  log?: (line: string) => void;
  /** Called about once a second while publishing. */
  onProgress?: (progress: RunProgress) => void;
}

export interface RunProgress {
  phase: "provision" | "publish" | "heal" | "settle" | "report";
  workload?: WorkloadProgress;
  plannedMs: number;
  activeFaults: string[];
  /** Records in the Kafka topic so far (duplicates included), when known. */
  delivered?: number;
}

export interface RunOutcome {
  result: RunResult;
  runDir: string;
  reconcile: ReconcileOutput;
  warnings: string[];
}

/** How long after the workload QoS 1/2 publishes may still be acknowledged. */
const DRAIN_TIMEOUT_MS = 15_000;

function rateShape(scenario: ResolvedScenario): RateShape {
  const rate = scenario.workload.rate;
  return rate.shape === "constant"
    ? { shape: "constant", ratePerSecond: rate.perSecond }
    : { shape: "ramp", from: rate.from, to: rate.to, durationMs: scenario.workload.durationMs };
}

async function startEnvironment(scenario: ResolvedScenario, runDir: string, options: RunOptions, log: (line: string) => void): Promise<Environment> {
  const { mosquitto, kafka } = scenario.brokers;
  const runtime = options.runtime ?? "native";
  if (runtime === "native" && scenario.bridge.image !== null) {
    throw new LosslabError("USAGE", `bridge image ${scenario.bridge.image}: an image needs the containers runtime (--runtime containers)`);
  }
  return startRuntime(runtime, {
    workDir: join(runDir, "env"),
    log,
    images: options.images,
    mosquitto: {
      persistence: mosquitto.persistence,
      autosaveIntervalSeconds: mosquitto.autosave.on === "interval" ? Math.max(1, Math.round(mosquitto.autosave.intervalMs / 1000)) : mosquitto.autosave.changes,
      autosaveOnChanges: mosquitto.autosave.on === "changes",
      maxQueuedMessages: mosquitto.maxQueuedMessages,
      maxInflightMessages: mosquitto.maxInflightMessages,
      extraConfig: mosquitto.extraConfig,
    },
    kafka: { brokers: kafka.brokers, version: kafka.version ?? undefined, minInsyncReplicas: kafka.minInsyncReplicas },
  });
}

export async function runScenario(scenario: ResolvedScenario, options: RunOptions): Promise<RunOutcome> {
  installSignalTeardown();
  const log = options.log ?? (() => {});
  const runId = newRunId();
  const runDir = resolve(options.outDir, scenario.name, runId);
  mkdirSync(runDir, { recursive: true });
  const startedAt = new Date();
  const plannedMs = scenario.workload.durationMs;
  const warnings = [...scenario.warnings];
  options.onProgress?.({ phase: "provision", plannedMs, activeFaults: [] });

  await using env = await startEnvironment(scenario, runDir, options, log);
  const kafkaTopic = fillPattern(scenario.brokers.kafka.topic, { runId });
  await createTopic(env.endpoints.kafka.direct, {
    topic: kafkaTopic,
    partitions: scenario.brokers.kafka.partitions,
    replicationFactor: scenario.brokers.kafka.replicationFactor,
    minInsyncReplicas: scenario.brokers.kafka.brokers > 1 ? scenario.brokers.kafka.minInsyncReplicas : undefined,
    retentionMs: scenario.brokers.kafka.retentionMs ?? undefined,
  });
  const startOffsets = (await topicOffsets(env.endpoints.kafka.direct, kafkaTopic)).high;

  const declarations = declarePublishers(runId, scenario.workload.qos, scenario.workload.publishers, scenario.workload.topic);
  await using ledger = await Ledger.create({
    dir: runDir,
    runId,
    scenario: scenario.name,
    seed: scenario.seed,
    publishers: declarations.map(({ id, qos, clientId, topic }) => ({ id, qos, clientId, topic })),
    startedAtMs: startedAt.getTime(),
  });
  ledger.setStartOffsets(kafkaTopic, startOffsets);
  ledger.note("environment", { runtime: env.runtime, endpoints: env.endpoints, versions: env.versions, kafkaTopic });

  const bridgeConfig: BridgeConfig = {
    mqttUrl: env.endpoints.mqtt.bridge,
    mqttTopic: fillPattern(scenario.workload.subscription, { runId }),
    kafkaBrokers: env.endpoints.kafka.bridge,
    kafkaTopic,
    clientId: fillPattern(scenario.bridge.clientId, { runId }),
    mode: scenario.bridge.mode,
    acks: scenario.brokers.kafka.acks,
    encoding: scenario.bridge.encoding,
    cleanSession: scenario.bridge.cleanSession,
    mqttVersion: scenario.workload.mqttVersion,
    batchSize: scenario.bridge.batchSize,
    lingerMs: 5,
    stateDir: join(runDir, "env", "bridge-state"),
  };
  const external = scenario.bridge.command !== null || scenario.bridge.image !== null;
  await env.startBridge({
    command: scenario.bridge.command ?? referenceBridgeCommand(),
    reference: !external,
    image: scenario.bridge.image ?? undefined,
    env: { ...scenario.bridge.env, ...bridgeEnvironment(bridgeConfig) },
    readyPattern: !external ? REFERENCE_BRIDGE_READY : scenario.bridge.readyPattern === null ? undefined : new RegExp(scenario.bridge.readyPattern),
  });
  log(`bridge started (${external ? "external: " + (scenario.bridge.image ?? scenario.bridge.command!.join(" ")) : "reference, " + scenario.bridge.mode})`);

  const workload = new Workload({
    runId,
    url: env.endpoints.mqtt.publish,
    publishers: declarations,
    rate: rateShape(scenario),
    durationMs: plannedMs,
    maxMessages: scenario.workload.maxMessages ?? undefined,
    payloadBytes: scenario.workload.payloadBytes,
    mqttVersion: scenario.workload.mqttVersion,
    cleanSession: scenario.workload.cleanSession,
    inflightWindow: scenario.workload.inflightWindow,
    padding: scenario.workload.padding,
    recorder: ledger,
  });
  const clock = (): number => Date.now() - startedAt.getTime();
  const faultIds = new Map<object, number>();
  const timeline = new FaultTimeline(env, scenario.faults, {
    workloadMs: plannedMs,
    seed: scenario.seed,
    clock,
    log,
    onEvent: (event, phase) => {
      if (phase === "start") faultIds.set(event, ledger.fault(event));
      else {
        const id = faultIds.get(event);
        if (id === undefined) ledger.fault(event);
        else ledger.faultEnded(id, event.endMs ?? clock(), event.error);
      }
    },
  });

  let published: WorkloadProgress;
  // Records in Kafka so far (high watermarks, duplicates included), polled for the live progress only.
  let inKafka: number | undefined;
  let polling = false;
  const poll = setInterval(() => {
    if (polling || !options.onProgress) return;
    polling = true;
    topicOffsets(env.endpoints.kafka.direct, kafkaTopic)
      .then((offsets) => {
        inKafka = Object.entries(offsets.high).reduce((sum, [partition, high]) => sum + Number(BigInt(high) - BigInt(startOffsets[Number(partition)] ?? "0")), 0);
      })
      .catch(() => {})
      .finally(() => (polling = false));
  }, 2_000);
  try {
    await workload.connect();
    timeline.start();
    ledger.note("workload-start");
    published = await workload.run((progress) =>
      options.onProgress?.({ phase: "publish", workload: progress, plannedMs, activeFaults: timeline.activeFaults(), delivered: inKafka }),
    );
    ledger.note("workload-end", published);
  } finally {
    clearInterval(poll);
    options.onProgress?.({ phase: "heal", plannedMs, activeFaults: timeline.activeFaults() });
    await timeline.healAll();
    ledger.note("healed");
  }
  await workload.drain(DRAIN_TIMEOUT_MS);
  await workload.close();
  if (published.backpressured > 0) {
    warnings.push(`${published.backpressured} publishes were not sent: the inflight window (${scenario.workload.inflightWindow}) was full`);
  }

  options.onProgress?.({ phase: "settle", plannedMs, activeFaults: [] });
  const reconciler = new Reconciler({ ledger: ledger.snapshot() });
  const series = new SeriesCollector(runId, startedAt.getTime());
  const read = await readUntilQuiet({
    brokers: env.endpoints.kafka.direct,
    topic: kafkaTopic,
    startOffsets,
    quietPeriodMs: scenario.settle.quietPeriodMs,
    maxWaitMs: scenario.settle.maxWaitMs,
    onRecord: (record) => {
      reconciler.observe(record);
      series.observe(record);
    },
  });
  ledger.setEndOffsets(kafkaTopic, read.offsets.high);
  ledger.note("settled", { records: read.records, timedOut: read.timedOut, durationMs: read.durationMs, logStart: read.offsets.low });
  if (read.timedOut) warnings.push(`the topic was still receiving records after ${scenario.settle.maxWaitMs} ms: results may count late records as lost`);
  for (const [partition, low] of Object.entries(read.offsets.low)) {
    const start = BigInt(startOffsets[Number(partition)] ?? "0");
    if (BigInt(low) > start) {
      warnings.push(`partition ${partition}: the log start offset moved to ${low} (past ${start}): retention deleted records before they were read`);
    }
  }
  const output = reconciler.finish();

  options.onProgress?.({ phase: "report", plannedMs, activeFaults: [] });
  const expectations: ExpectationResult[] = evaluateExpectations(scenario.expect, output.qos);
  const unattributed = output.unattributed.corrupted + output.unattributed.unexpected;
  if (unattributed > 0) expectations.push({ name: "unattributed anomalies ≤ 0", observed: unattributed, pass: false, bound: { max: 0 } });
  const result: RunResult = {
    schema: "losslab/result@1",
    scenario: scenario.name,
    runId,
    runtime: env.runtime,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    seed: scenario.seed,
    versions: { losslab: losslabVersion(), ...env.versions },
    faults: timeline.events,
    qos: output.qos,
    expectations,
    pass: expectations.every((expectation) => expectation.pass),
  };
  await writeRunFiles(runDir, result, {
    examples: output.examples,
    perPublisher: output.perPublisher,
    records: output.records,
    ignoredOtherRun: output.ignoredOtherRun,
    foreign: output.foreign,
    latency: output.latency,
    warnings,
  }, series.finish(ledger.snapshot()));
  await writeRunReports(runDir);
  return { result, runDir, reconcile: output, warnings };
}
