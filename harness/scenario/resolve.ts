/**
 * A scenario with every default applied, the CLI overrides folded in and durations in ms:
 * the one object the run, the fault engine and the reports read.
 */
import { z } from "zod";
import { LosslabError } from "../errors.js";
import type { QosLevel } from "../result.js";
import { formatDuration, parseDuration, positiveDurationSchema, type DurationInput } from "./duration.js";
import { normaliseFault, type ResolvedFault } from "./faults.js";
import {
  crossCheckIssues,
  DEFAULTS,
  QOS_KEYS,
  qosListSchema,
  type BridgeEncoding,
  type BridgeMode,
  type Expectations,
  type ScenarioInput,
} from "./schema.js";
import { errorMessage, formatIssues, formatPath, summarise, validateScenario } from "./validate.js";

/** What the CLI flags may change (--duration, --rate, --qos, --seed, --bridge-cmd). */
export interface ScenarioOverrides {
  /** --duration: "30s", or ms. */
  duration?: DurationInput | string | undefined;
  /** --rate: total messages per second across all publishers; replaces a ramp with a constant rate. */
  ratePerSecond?: number | undefined;
  /** --qos: the levels to run; expectations for other levels are dropped (with a warning). */
  qos?: readonly number[] | undefined;
  /** --seed */
  seed?: number | undefined;
  /** --bridge-cmd: a shell command line, run as ["/bin/sh", "-c", cmd]; replaces bridge.command. */
  bridgeCommand?: string | undefined;
  /** --bridge-image: an external bridge image (containers runtime); replaces bridge.image. */
  bridgeImage?: string | undefined;
}

/** The target publish rate across all publishers; split evenly between them. */
export type ResolvedRate = { shape: "constant"; perSecond: number } | { shape: "ramp"; from: number; to: number };

export interface ResolvedWorkload {
  /** Publishers per QoS level. */
  publishers: number;
  /** Levels run, ascending. */
  qos: QosLevel[];
  /** publishers × qos.length */
  totalPublishers: number;
  /** Total across all publishers, messages per second (see totalRateAt / publisherRateAt). */
  rate: ResolvedRate;
  durationMs: number;
  /** Cap per publisher; null = none. */
  maxMessages: number | null;
  payloadBytes: number;
  /** Pattern with {runId} {publisher} {qos} (see fillPattern). */
  topic: string;
  /** The bridge's subscription filter, pattern with {runId}. */
  subscription: string;
  /** 4 = MQTT 3.1.1, 5 = MQTT 5. */
  mqttVersion: 4 | 5;
  cleanSession: boolean;
  /** Most publishes awaiting an ack per publisher; beyond it a publish is counted as skipped, not queued. */
  inflightWindow: number;
  /** "binary" pads the envelope with non-UTF-8 bytes. */
  padding: "ascii" | "binary";
}

export interface ResolvedBridge {
  mode: BridgeMode;
  /** An external bridge's argv; null = the reference bridge (or `image`). */
  command: string[] | null;
  /** An external bridge image (containers runtime only); null = none. */
  image: string | null;
  /** An external bridge's ready line (regular expression source); null = up for 500 ms counts as ready. */
  readyPattern: string | null;
  /** Extra environment for the bridge (never LOSSLAB_*). */
  env: Record<string, string>;
  /** false = persistent session. */
  cleanSession: boolean;
  /** Pattern with {runId}. */
  clientId: string;
  encoding: BridgeEncoding;
  batchSize: number;
}

export type ResolvedAutosave = { on: "interval"; intervalMs: number } | { on: "changes"; changes: number };

export interface ResolvedMosquitto {
  persistence: boolean;
  /** interval → autosave_interval <s>; changes → autosave_on_changes true + autosave_interval <n>. */
  autosave: ResolvedAutosave;
  /** 0 = no limit. */
  maxQueuedMessages: number;
  /** 0 = no limit. */
  maxInflightMessages: number;
  extraConfig: string[];
}

export interface ResolvedKafka {
  brokers: 1 | 3;
  /** null = the version losslab installs. */
  version: string | null;
  partitions: number;
  replicationFactor: number;
  minInsyncReplicas: number;
  /** null = the broker's default retention; -1 = forever. */
  retentionMs: number | null;
  /** Pattern with {runId}. */
  topic: string;
  /** The reference bridge's producer acks. */
  acks: -1 | 0 | 1;
}

export interface ResolvedScenario {
  name: string;
  description: string;
  workload: ResolvedWorkload;
  bridge: ResolvedBridge;
  brokers: { mosquitto: ResolvedMosquitto; kafka: ResolvedKafka };
  faults: ResolvedFault[];
  settle: { quietPeriodMs: number; maxWaitMs: number };
  /** Only for the QoS levels in workload.qos. */
  expect: Expectations;
  seed: number;
  /** Things the user should know (an override dropped an expectation, an option an external bridge ignores). */
  warnings: string[];
}

const OVERRIDE_FLAGS: Record<keyof ScenarioOverrides, string> = {
  duration: "--duration",
  ratePerSecond: "--rate",
  qos: "--qos",
  seed: "--seed",
  bridgeCommand: "--bridge-cmd",
  bridgeImage: "--bridge-image",
};

const overridesSchema = z.strictObject({
  duration: positiveDurationSchema.optional(),
  ratePerSecond: z.number().positive().optional(),
  qos: qosListSchema.optional(),
  seed: z.int().min(0).max(0xffff_ffff).optional(),
  bridgeCommand: z.string().trim().min(1).optional(),
  bridgeImage: z.string().trim().min(1).optional(),
});

/** Validates CLI overrides; a bad one is a USAGE error naming the flag. */
export function validateOverrides(overrides: ScenarioOverrides): z.output<typeof overridesSchema> {
  const result = overridesSchema.safeParse(overrides, { error: errorMessage, reportInput: true });
  if (result.success) return result.data;
  const lines = result.error.issues.flatMap((issue) => {
    const [key, ...rest] = issue.path;
    const flag = OVERRIDE_FLAGS[key as keyof ScenarioOverrides] ?? String(key);
    return formatIssues([{ ...issue, path: rest }]).map((text) => `${flag}${rest.length === 0 ? ": " : " "}${text}`);
  });
  throw new LosslabError("USAGE", summarise(lines), { details: lines });
}

/** A random seed for runs that name none (recorded in result.json, so the run can be repeated). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x1_0000_0000);
}

/** Defaults + overrides → the resolved scenario. Validates both (SCENARIO_INVALID / USAGE). */
export function resolveScenario(
  input: ScenarioInput,
  overrides: ScenarioOverrides = {},
  options: { source?: string } = {},
): ResolvedScenario {
  const source = options.source ?? `scenario "${String((input as { name?: unknown } | undefined)?.name ?? "?")}"`;
  const scenario = validateScenario(input, source);
  const flags = validateOverrides(overrides);
  const warnings: string[] = [];

  // ── workload
  const w = scenario.workload ?? {};
  const qos = [...(flags.qos ?? w.qos ?? DEFAULTS.workload.qos)].sort((a, b) => a - b);
  const durationMs = parseDuration(flags.duration ?? w.duration ?? DEFAULTS.workload.duration);
  if (flags.duration !== undefined || flags.qos !== undefined) {
    const problems = crossCheckIssues(scenario, { qos, durationMs }).filter((issue) => issue.path[0] !== "expect");
    if (problems.length > 0) {
      const lines = problems.map((p) => `${formatPath(p.path)}: ${p.message}`);
      throw new LosslabError("USAGE", `${source}: ${summarise(lines)} (with ${describeFlags(flags)})`, { details: lines });
    }
  }
  let rate: ResolvedRate =
    w.rate?.shape === "ramp"
      ? { shape: "ramp", from: w.rate.from, to: w.rate.to }
      : { shape: "constant", perSecond: w.ratePerSecond ?? DEFAULTS.workload.ratePerSecond };
  if (flags.ratePerSecond !== undefined) {
    if (rate.shape === "ramp") {
      warnings.push(`--rate ${flags.ratePerSecond} replaces the ramp (${rate.from} → ${rate.to} per second) with a constant rate`);
    }
    rate = { shape: "constant", perSecond: flags.ratePerSecond };
  }
  const publishers = w.publishers ?? DEFAULTS.workload.publishers;
  const topic = w.topic ?? DEFAULTS.workload.topic;
  const workload: ResolvedWorkload = {
    publishers,
    qos,
    totalPublishers: publishers * qos.length,
    rate,
    durationMs,
    maxMessages: w.maxMessages ?? null,
    payloadBytes: w.payloadBytes ?? DEFAULTS.workload.payloadBytes,
    topic,
    subscription: w.subscription ?? deriveSubscription(topic),
    mqttVersion: w.mqttVersion ?? DEFAULTS.workload.mqttVersion,
    cleanSession: w.cleanSession ?? DEFAULTS.workload.cleanSession,
    inflightWindow: w.inflightWindow ?? DEFAULTS.workload.inflightWindow,
    padding: w.padding ?? DEFAULTS.workload.padding,
  };

  // ── bridge
  const b = scenario.bridge ?? {};
  let command = b.command === undefined ? null : [...b.command];
  if (flags.bridgeCommand !== undefined) {
    if (command !== null) warnings.push("--bridge-cmd replaces bridge.command");
    command = ["/bin/sh", "-c", flags.bridgeCommand];
  }
  let image = b.image ?? null;
  if (flags.bridgeImage !== undefined) {
    if (image !== null) warnings.push("--bridge-image replaces bridge.image");
    image = flags.bridgeImage;
  }
  if (image !== null && command !== null) {
    warnings.push("a bridge image runs its own entrypoint: the bridge command is ignored");
    command = null;
  }
  if (command !== null || image !== null) {
    const referenceOnly = [
      b.mode !== undefined && "bridge.mode",
      b.encoding !== undefined && "bridge.encoding",
      b.batchSize !== undefined && "bridge.batchSize",
      scenario.brokers?.kafka?.acks !== undefined && "brokers.kafka.acks",
    ].filter((key): key is string => key !== false);
    for (const key of referenceOnly) warnings.push(`${key} applies to the reference bridge only; the external bridge ignores it`);
  }
  const bridge: ResolvedBridge = {
    mode: b.mode ?? DEFAULTS.bridge.mode,
    command,
    image,
    readyPattern: b.readyPattern ?? null,
    env: { ...(b.env ?? {}) },
    cleanSession: b.cleanSession ?? DEFAULTS.bridge.cleanSession,
    clientId: b.clientId ?? DEFAULTS.bridge.clientId,
    encoding: b.encoding ?? DEFAULTS.bridge.encoding,
    batchSize: b.batchSize ?? DEFAULTS.bridge.batchSize,
  };

  // ── brokers
  const m = scenario.brokers?.mosquitto ?? {};
  const mosquitto: ResolvedMosquitto = {
    persistence: m.persistence ?? DEFAULTS.mosquitto.persistence,
    autosave:
      m.autosaveOnChanges === true && m.autosaveChanges !== undefined
        ? { on: "changes", changes: m.autosaveChanges }
        : { on: "interval", intervalMs: parseDuration(m.autosaveInterval ?? DEFAULTS.mosquitto.autosaveInterval) },
    maxQueuedMessages: m.maxQueuedMessages ?? DEFAULTS.mosquitto.maxQueuedMessages,
    maxInflightMessages: m.maxInflightMessages ?? DEFAULTS.mosquitto.maxInflightMessages,
    extraConfig: [...(m.extraConfig ?? [])],
  };
  const k = scenario.brokers?.kafka ?? {};
  const kafkaBrokers = k.brokers ?? DEFAULTS.kafka.brokers;
  const replicationFactor = k.replicationFactor ?? kafkaBrokers;
  const kafka: ResolvedKafka = {
    brokers: kafkaBrokers,
    version: k.version ?? null,
    partitions: k.partitions ?? DEFAULTS.kafka.partitions,
    replicationFactor,
    minInsyncReplicas: k.minInsyncReplicas ?? Math.min(kafkaBrokers === 3 ? 2 : 1, replicationFactor),
    retentionMs: k.retentionMs ?? null,
    topic: k.topic ?? DEFAULTS.kafka.topic,
    acks: k.acks ?? DEFAULTS.kafka.acks,
  };

  // ── expectations: only for the levels that run
  const expect: Expectations = {};
  for (const key of QOS_KEYS) {
    const expectation = scenario.expect?.[key];
    if (expectation === undefined) continue;
    if (qos.includes(Number(key.slice(3)) as QosLevel)) expect[key] = expectation;
    else warnings.push(`expect.${key} dropped: --qos ${qos.join(",")} does not publish at QoS ${key.slice(3)}`);
  }

  return {
    name: scenario.name,
    description: scenario.description ?? DEFAULTS.description,
    workload,
    bridge,
    brokers: { mosquitto, kafka },
    faults: (scenario.faults ?? []).map(normaliseFault),
    settle: {
      quietPeriodMs: parseDuration(scenario.settle?.quietPeriod ?? DEFAULTS.settle.quietPeriod),
      maxWaitMs: parseDuration(scenario.settle?.maxWait ?? DEFAULTS.settle.maxWait),
    },
    expect,
    seed: flags.seed ?? scenario.seed ?? randomSeed(),
    warnings,
  };
}

function describeFlags(flags: z.output<typeof overridesSchema>): string {
  const parts: string[] = [];
  if (flags.duration !== undefined) parts.push(`--duration ${formatDuration(parseDuration(flags.duration))}`);
  if (flags.qos !== undefined) parts.push(`--qos ${flags.qos.join(",")}`);
  return parts.join(" ");
}

// ── helpers for the workload and the environment ────────────────────────────────────────────

/**
 * The bridge's filter for a topic pattern: the levels before the first one that varies per
 * publisher, then "#". "losslab/{runId}/{publisher}" → "losslab/{runId}/#".
 */
export function deriveSubscription(topic: string): string {
  const levels = topic.split("/");
  const varying = levels.findIndex((level) => /\{(publisher|qos)\}/.test(level));
  return varying === -1 ? topic : [...levels.slice(0, varying), "#"].join("/");
}

/** Replaces {runId}, {publisher} and {qos} in a topic, client id or Kafka topic pattern. */
export function fillPattern(pattern: string, values: { runId: string; publisher?: string; qos?: QosLevel }): string {
  return pattern.replace(/\{(runId|publisher|qos)\}/g, (whole, name: "runId" | "publisher" | "qos") => {
    const value = values[name];
    if (value === undefined) throw new Error(`pattern "${pattern}" needs a value for {${name}}`);
    return String(value);
  });
}

/** Target total rate (messages per second, all publishers) at `elapsedMs` into the workload. */
export function totalRateAt(workload: Pick<ResolvedWorkload, "rate" | "durationMs">, elapsedMs: number): number {
  if (workload.rate.shape === "constant") return workload.rate.perSecond;
  const progress = Math.min(1, Math.max(0, elapsedMs / workload.durationMs));
  return workload.rate.from + (workload.rate.to - workload.rate.from) * progress;
}

/** Target rate of one publisher at `elapsedMs`: the total split evenly. */
export function publisherRateAt(workload: Pick<ResolvedWorkload, "rate" | "durationMs" | "totalPublishers">, elapsedMs: number): number {
  return totalRateAt(workload, elapsedMs) / workload.totalPublishers;
}
