/**
 * The scenario schema: what a scenario file may say, checked with zod.
 * Every object is strict (an unknown key is an error with its path). Defaults are not applied
 * here but in resolve.ts, from DEFAULTS below, so that z.input and z.output are the same shape.
 */
import { z } from "zod";
import type { CountMetric, LatencySummary, QosLevel } from "../result.js";
import { durationSchema, formatDuration, parseDuration, positiveDurationSchema, type DurationInput } from "./duration.js";

// ── defaults (applied by resolveScenario) ────────────────────────────────────────────────────

export const DEFAULTS = {
  description: "",
  workload: {
    publishers: 2,
    qos: [0, 1, 2] as readonly QosLevel[],
    ratePerSecond: 300,
    duration: "10s",
    payloadBytes: 256,
    topic: "losslab/{runId}/{publisher}",
    mqttVersion: 4,
    cleanSession: true,
    inflightWindow: 100,
    padding: "ascii",
  },
  bridge: {
    mode: "at-least-once",
    cleanSession: false,
    clientId: "losslab-bridge-{runId}",
    encoding: "bytes",
    batchSize: 100,
  },
  mosquitto: {
    persistence: false,
    /** mosquitto's own default autosave_interval (1800 s). */
    autosaveInterval: "30m",
    maxQueuedMessages: 1000,
    maxInflightMessages: 20,
  },
  kafka: {
    brokers: 1,
    partitions: 1,
    topic: "losslab-{runId}",
    acks: -1,
  },
  settle: { quietPeriod: "3s", maxWait: "60s" },
} as const;

// ── closed lists ─────────────────────────────────────────────────────────────────────────────

export const SCENARIO_NAME_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** The envelope (run id, publisher, seq, QoS, time, checksum) needs this much before padding. */
export const MIN_PAYLOAD_BYTES = 160;
/** Below Kafka's default message.max.bytes (1 MiB plus record overhead). */
export const MAX_PAYLOAD_BYTES = 1_000_000;
export const MAX_PUBLISHERS_PER_QOS = 1_000;

export const LINKS = ["mqtt-pub", "mqtt-bridge", "kafka-bridge"] as const;
export type Link = (typeof LINKS)[number];

export const TOXICS = ["latency", "bandwidth", "timeout", "reset_peer", "slicer", "limit_data", "down"] as const;
export type Toxic = (typeof TOXICS)[number];

/** Toxiproxy's attributes per toxic, and those without which the toxic does nothing useful. */
export const TOXIC_ATTRIBUTES: Record<Toxic, { allowed: readonly string[]; required: readonly string[] }> = {
  latency: { allowed: ["latency", "jitter"], required: ["latency"] },
  bandwidth: { allowed: ["rate"], required: ["rate"] },
  timeout: { allowed: ["timeout"], required: [] },
  reset_peer: { allowed: ["timeout"], required: [] },
  slicer: { allowed: ["average_size", "size_variation", "delay"], required: ["average_size"] },
  limit_data: { allowed: ["bytes"], required: ["bytes"] },
  down: { allowed: [], required: [] },
};

export const STREAMS = ["upstream", "downstream", "both"] as const;
export type Stream = (typeof STREAMS)[number];

export const PROCESS_ACTIONS = ["kill", "stop", "pause", "restart"] as const;
export type ProcessAction = (typeof PROCESS_ACTIONS)[number];

export const PROCESS_SIGNALS = ["SIGKILL", "SIGTERM"] as const;
export type ProcessSignal = (typeof PROCESS_SIGNALS)[number];

/** "kafka" is every Kafka broker at once; "kafka-1"…"kafka-N" one broker of a cluster. */
export type ProcessTarget = "mosquitto" | "kafka" | `kafka-${number}` | "bridge";

export const BRIDGE_MODES = ["at-most-once", "at-least-once"] as const;
export type BridgeMode = (typeof BRIDGE_MODES)[number];

export const BRIDGE_ENCODINGS = ["bytes", "utf8-reencode"] as const;
export type BridgeEncoding = (typeof BRIDGE_ENCODINGS)[number];

export const TOPIC_PLACEHOLDERS = ["runId", "publisher", "qos"] as const;

/** Expectation metrics in report order: the counts of QosResult plus "lost" (lostAcked + lostUnacked). */
export const EXPECT_METRICS = [
  "sent",
  "acked",
  "delivered",
  "lost",
  "lostAcked",
  "lostUnacked",
  "recovered",
  "duplicates",
  "reordered",
  "corrupted",
  "unexpected",
] as const;
export type ExpectMetric = (typeof EXPECT_METRICS)[number];

export const LATENCY_PERCENTILES = ["p50", "p90", "p99", "p999", "max"] as const satisfies readonly (keyof LatencySummary)[];
export type LatencyPercentile = (typeof LATENCY_PERCENTILES)[number];

export const QOS_KEYS = ["qos0", "qos1", "qos2"] as const;
export type QosKey = (typeof QOS_KEYS)[number];

// ── small pieces ─────────────────────────────────────────────────────────────────────────────

const KAFKA_NODE_PATTERN = /^kafka-([1-9]\d*)$/;

export function isProcessTarget(value: unknown): value is ProcessTarget {
  return (
    value === "mosquitto" || value === "kafka" || value === "bridge" || (typeof value === "string" && KAFKA_NODE_PATTERN.test(value))
  );
}

/** The broker number of "kafka-N", or undefined for any other target. */
export function kafkaNodeNumber(target: string): number | undefined {
  const match = KAFKA_NODE_PATTERN.exec(target);
  return match === null ? undefined : Number(match[1]);
}

const processTargetSchema = z.custom<ProcessTarget>(isProcessTarget, {
  error: (issue) => `expected "mosquitto", "kafka", "kafka-1"…"kafka-3" or "bridge", received ${JSON.stringify(issue.input)}`,
});

const positiveInt = z.int().min(1);
const nonNegativeInt = z.int().min(0);

function placeholdersOf(pattern: string): string[] {
  return [...pattern.matchAll(/\{([^}]*)\}/g)].map((match) => match[1] ?? "");
}

function checkPlaceholders(pattern: string, allowed: readonly string[], ctx: z.RefinementCtx): void {
  for (const name of placeholdersOf(pattern)) {
    if (!allowed.includes(name)) {
      ctx.addIssue({
        code: "custom",
        message: `unknown placeholder {${name}} (known: ${allowed.map((a) => `{${a}}`).join(", ")})`,
      });
    }
  }
}

/** A topic publishers write to: no wildcards, placeholders {runId} {publisher} {qos}. */
const topicPatternSchema = z
  .string()
  .min(1)
  .superRefine((topic, ctx) => {
    if (/[+#]/.test(topic)) {
      ctx.addIssue({ code: "custom", message: "a topic to publish to cannot contain the wildcards + or #" });
    }
    if (topic.startsWith("$")) {
      ctx.addIssue({ code: "custom", message: "topics starting with $ are reserved for the broker" });
    }
    checkPlaceholders(topic, TOPIC_PLACEHOLDERS, ctx);
  });

/** An MQTT subscription filter: + and # only as whole levels, # only last; placeholder {runId}. */
const subscriptionSchema = z
  .string()
  .min(1)
  .superRefine((filter, ctx) => {
    const levels = filter.split("/");
    levels.forEach((level, index) => {
      if (level.includes("#") && (level !== "#" || index !== levels.length - 1)) {
        ctx.addIssue({ code: "custom", message: "# must be a whole level, and the last one" });
      }
      if (level.includes("+") && level !== "+") {
        ctx.addIssue({ code: "custom", message: "+ must be a whole level" });
      }
    });
    checkPlaceholders(filter, ["runId"], ctx);
  });

/** A Kafka topic name, with {runId} allowed. */
const kafkaTopicPatternSchema = z
  .string()
  .min(1)
  .superRefine((topic, ctx) => {
    checkPlaceholders(topic, ["runId"], ctx);
    const sample = topic.replaceAll("{runId}", "r");
    if (!/^[A-Za-z0-9._{}-]+$/.test(topic) || sample.length > 249 || sample === "." || sample === "..") {
      ctx.addIssue({
        code: "custom",
        message: "a Kafka topic name is 1 to 249 letters, digits, '.', '_' or '-' (plus the placeholder {runId})",
      });
    }
  });

const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

const envSchema = z.record(z.string(), z.string()).superRefine((env, ctx) => {
  for (const name of Object.keys(env)) {
    if (!ENV_NAME_PATTERN.test(name)) {
      ctx.addIssue({ code: "custom", path: [name], message: "not a valid environment variable name" });
    } else if (name.startsWith("LOSSLAB_")) {
      ctx.addIssue({ code: "custom", path: [name], message: "LOSSLAB_* variables are set by losslab (see DESIGN.md, External bridges)" });
    }
  }
});

// ── workload ─────────────────────────────────────────────────────────────────────────────────

export const qosLevelSchema = z.literal([0, 1, 2]);

export const qosListSchema = z
  .array(qosLevelSchema)
  .min(1)
  .superRefine((levels, ctx) => {
    levels.forEach((level, index) => {
      if (levels.indexOf(level) !== index) ctx.addIssue({ code: "custom", path: [index], message: `QoS ${level} is listed twice` });
    });
  });

const rateShapeSchema = z.discriminatedUnion("shape", [
  z.strictObject({ shape: z.literal("constant") }),
  z
    .strictObject({
      shape: z.literal("ramp"),
      /** Total rate across all publishers at the start, messages per second. */
      from: z.number().nonnegative(),
      /** Total rate across all publishers at the end of workload.duration. */
      to: z.number().nonnegative(),
    })
    .refine((ramp) => ramp.from > 0 || ramp.to > 0, { error: "a ramp from 0 to 0 publishes nothing", path: ["to"] }),
]);

export const workloadSchema = z
  .strictObject({
    /** Publishers per QoS level: 2 with qos [0, 1, 2] is 6 publishers. */
    publishers: positiveInt.max(MAX_PUBLISHERS_PER_QOS).optional(),
    qos: qosListSchema.optional(),
    /** TOTAL target publish rate across all publishers (all QoS levels), messages per second, split evenly. */
    ratePerSecond: z.number().positive().optional(),
    /** The rate's shape over the run; a ramp's from/to are total rates and replace ratePerSecond. */
    rate: rateShapeSchema.optional(),
    duration: positiveDurationSchema.optional(),
    /** Hard cap on messages per publisher. */
    maxMessages: positiveInt.optional(),
    payloadBytes: z.int().min(MIN_PAYLOAD_BYTES).max(MAX_PAYLOAD_BYTES).optional(),
    /** Topic pattern with placeholders {runId} {publisher} {qos}. */
    topic: topicPatternSchema.optional(),
    /** The bridge's subscription filter; derived from topic when absent ("losslab/{runId}/#"). */
    subscription: subscriptionSchema.optional(),
    /** 4 = MQTT 3.1.1, 5 = MQTT 5. */
    mqttVersion: z.literal([4, 5]).optional(),
    /** Publishers' clean session (clean start in MQTT 5). */
    cleanSession: z.boolean().optional(),
    /** Most publishes awaiting their ack per publisher; beyond it a publish is skipped (back-pressured), not queued. */
    inflightWindow: positiveInt.optional(),
    /**
     * The envelope's padding: "ascii" ('x' characters, valid UTF-8 JSON) or "binary" (0xFF bytes, not UTF-8),
     * to catch bridges that decode payloads as text.
     */
    padding: z.enum(["ascii", "binary"]).optional(),
  })
  .superRefine((workload, ctx) => {
    if (workload.rate?.shape === "ramp" && workload.ratePerSecond !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["ratePerSecond"],
        message: 'a ramp sets the rate itself (rate.from → rate.to, total per second): remove ratePerSecond or use rate.shape "constant"',
      });
    }
  });

// ── bridge ───────────────────────────────────────────────────────────────────────────────────

export const bridgeSchema = z.strictObject({
  mode: z.enum(BRIDGE_MODES).optional(),
  /** An external bridge: argv, started with the LOSSLAB_* environment. Absent = the reference bridge. */
  command: z.array(z.string().min(1)).min(1).optional(),
  /** An external bridge image (containers runtime): started with its own entrypoint and the LOSSLAB_* environment. */
  image: z.string().trim().min(1).optional(),
  /** An external bridge's "I am ready" line (a regular expression); without it, staying up 500 ms counts as ready. */
  readyPattern: z
    .string()
    .min(1)
    .refine((source) => {
      try {
        new RegExp(source);
        return true;
      } catch {
        return false;
      }
    }, "expected a valid regular expression")
    .optional(),
  env: envSchema.optional(),
  /** The bridge's MQTT clean session; false (the default) = a persistent session. */
  cleanSession: z.boolean().optional(),
  /** MQTT client id pattern, placeholder {runId}. */
  clientId: z
    .string()
    .min(1)
    .superRefine((id, ctx) => checkPlaceholders(id, ["runId"], ctx))
    .optional(),
  /** "utf8-reencode" makes the reference bridge decode and re-encode payloads as UTF-8: a serialization bug on purpose. */
  encoding: z.enum(BRIDGE_ENCODINGS).optional(),
  /** Most records per Kafka produce request (reference bridge). */
  batchSize: positiveInt.optional(),
});

// ── brokers ──────────────────────────────────────────────────────────────────────────────────

export const mosquittoSchema = z
  .strictObject({
    persistence: z.boolean().optional(),
    /** autosave_interval as a time; whole seconds (mosquitto's unit), 0 = save only on shutdown. */
    autosaveInterval: durationSchema.optional(),
    /** autosave_on_changes: save after autosaveChanges changes instead of after a time. */
    autosaveOnChanges: z.boolean().optional(),
    /** With autosaveOnChanges: the number of changes between saves (mosquitto's autosave_interval then counts changes). */
    autosaveChanges: positiveInt.optional(),
    /** max_queued_messages per client; 0 = no limit. */
    maxQueuedMessages: nonNegativeInt.optional(),
    /** max_inflight_messages per client; 0 = no limit. */
    maxInflightMessages: nonNegativeInt.max(65_535).optional(),
    /** mosquitto.conf lines appended after losslab's own. */
    extraConfig: z.array(z.string().refine((line) => !/[\r\n]/.test(line), { error: "one line per entry (no line breaks)" })).optional(),
  })
  .superRefine((m, ctx) => {
    const autosaveKeys = (["autosaveInterval", "autosaveOnChanges", "autosaveChanges"] as const).filter((k) => m[k] !== undefined);
    if (m.persistence !== true) {
      for (const key of autosaveKeys) {
        ctx.addIssue({ code: "custom", path: [key], message: "has no effect without persistence: true" });
      }
      return;
    }
    if (m.autosaveOnChanges === true) {
      if (m.autosaveChanges === undefined) {
        ctx.addIssue({ code: "custom", path: ["autosaveChanges"], message: "required with autosaveOnChanges: true (changes between saves)" });
      }
      if (m.autosaveInterval !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["autosaveInterval"],
          message: "does not apply with autosaveOnChanges: true (mosquitto then saves every autosaveChanges changes)",
        });
      }
    } else if (m.autosaveChanges !== undefined) {
      ctx.addIssue({ code: "custom", path: ["autosaveChanges"], message: "applies only with autosaveOnChanges: true" });
    }
    if (m.autosaveInterval !== undefined && parseDuration(m.autosaveInterval) % 1_000 !== 0) {
      ctx.addIssue({ code: "custom", path: ["autosaveInterval"], message: "mosquitto's autosave_interval is in whole seconds" });
    }
  });

export const kafkaSchema = z
  .strictObject({
    brokers: z.literal([1, 3]).optional(),
    /** Kafka version to run; absent = the one losslab installs. */
    version: z.string().min(1).optional(),
    partitions: positiveInt.max(1_000).optional(),
    /** Default: the number of brokers. */
    replicationFactor: positiveInt.optional(),
    /** Default: 1 for one broker, 2 for three. */
    minInsyncReplicas: positiveInt.optional(),
    /** Topic retention.ms; -1 = forever. Absent = the broker's default. */
    retentionMs: z.int().min(-1).optional(),
    /** Topic pattern, placeholder {runId}. */
    topic: kafkaTopicPatternSchema.optional(),
    /** The reference bridge's producer acks: -1 = all. */
    acks: z.literal([-1, 1, 0]).optional(),
  })
  .superRefine((k, ctx) => {
    const brokers = k.brokers ?? DEFAULTS.kafka.brokers;
    const replicationFactor = k.replicationFactor ?? brokers;
    if (replicationFactor > brokers) {
      ctx.addIssue({
        code: "custom",
        path: ["replicationFactor"],
        message: `${replicationFactor} is more than the number of brokers (${brokers})`,
      });
    }
    if (k.minInsyncReplicas !== undefined && k.minInsyncReplicas > replicationFactor) {
      ctx.addIssue({
        code: "custom",
        path: ["minInsyncReplicas"],
        message: `${k.minInsyncReplicas} is more than the replication factor (${replicationFactor}): no write could succeed with acks all`,
      });
    }
  });

export const brokersSchema = z.strictObject({
  mosquitto: mosquittoSchema.optional(),
  kafka: kafkaSchema.optional(),
});

// ── faults ───────────────────────────────────────────────────────────────────────────────────

const faultTiming = {
  /** When the fault starts, from the start of the workload. */
  at: durationSchema,
  /** How long it lasts before it heals; absent = until the final heal. */
  for: positiveDurationSchema.optional(),
  /** Repeat: start again every so long (from `at`) while the workload runs. */
  every: positiveDurationSchema.optional(),
  /**
   * Seeded randomness: each occurrence starts at a random point in [at, at + jitter) (repeats: within their
   * period), drawn from the run's seed, so a run can be replayed exactly with the same --seed.
   */
  jitter: positiveDurationSchema.optional(),
};

function checkRepeat(
  ctx: z.RefinementCtx,
  every: DurationInput | undefined,
  down: DurationInput | undefined,
  downKey: string,
  downRequired: boolean,
): void {
  if (every === undefined) return;
  if (down === undefined) {
    if (downRequired) {
      ctx.addIssue({ code: "custom", path: ["every"], message: `a repeated fault needs ${downKey}: how long each occurrence lasts (shorter than every)` });
    }
    return;
  }
  if (parseDuration(down) >= parseDuration(every)) {
    ctx.addIssue({
      code: "custom",
      path: [downKey],
      message: `${formatDuration(parseDuration(down))} must be shorter than every (${formatDuration(parseDuration(every))})`,
    });
  }
}

export const networkFaultSchema = z
  .strictObject({
    ...faultTiming,
    link: z.enum(LINKS),
    toxic: z.enum(TOXICS),
    /** Direction of the toxic; "both" (the default) adds it both ways. Not for "down". */
    stream: z.enum(STREAMS).optional(),
    /** Toxiproxy toxic attributes, e.g. { latency: 500, jitter: 50 }. */
    attributes: z.record(z.string(), z.number().nonnegative()).optional(),
    /** Probability the toxic applies to a connection, 0..1 (default 1). */
    toxicity: z.number().min(0).max(1).optional(),
  })
  .superRefine((fault, ctx) => {
    const spec = TOXIC_ATTRIBUTES[fault.toxic];
    if (fault.toxic === "down") {
      for (const key of ["stream", "attributes", "toxicity"] as const) {
        if (fault[key] !== undefined) {
          ctx.addIssue({ code: "custom", path: [key], message: 'does not apply to toxic "down" (the link is cut outright)' });
        }
      }
    } else {
      for (const name of Object.keys(fault.attributes ?? {})) {
        if (!spec.allowed.includes(name)) {
          ctx.addIssue({
            code: "custom",
            path: ["attributes", name],
            message: `not an attribute of toxic "${fault.toxic}" (its attributes: ${spec.allowed.join(", ")})`,
          });
        }
      }
      for (const name of spec.required) {
        if (fault.attributes?.[name] === undefined) {
          ctx.addIssue({ code: "custom", path: ["attributes", name], message: `required for toxic "${fault.toxic}"` });
        }
      }
    }
    checkRepeat(ctx, fault.every, fault.for, "for", true);
  });

const processFields = {
  ...faultTiming,
  /** kill: default SIGKILL; restart: default SIGTERM. Not for stop (always SIGTERM) or pause. */
  signal: z.enum(PROCESS_SIGNALS).optional(),
  /** kill/stop: time down before the restart (same as `for`); restart: the gap between stop and start. */
  restartAfter: durationSchema.optional(),
};

interface ProcessFields {
  for?: DurationInput | undefined;
  every?: DurationInput | undefined;
  signal?: ProcessSignal | undefined;
  restartAfter?: DurationInput | undefined;
}

function checkProcessFault(action: ProcessAction, fault: ProcessFields, ctx: z.RefinementCtx): void {
  if (fault.signal !== undefined && (action === "stop" || action === "pause")) {
    ctx.addIssue({
      code: "custom",
      path: ["signal"],
      message: action === "stop" ? 'stop always sends SIGTERM; use "kill" to choose the signal' : "does not apply to pause (the process is frozen, not signalled)",
    });
  }
  if (fault.restartAfter !== undefined) {
    if (action === "pause") {
      ctx.addIssue({ code: "custom", path: ["restartAfter"], message: "does not apply to pause; use for (the time before the process resumes)" });
      return;
    }
    if (fault.for !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["restartAfter"],
        message: `give for or restartAfter, not both (for a ${action} both mean the time before the restart)`,
      });
      return;
    }
  }
  const downKey = fault.restartAfter !== undefined ? "restartAfter" : "for";
  checkRepeat(ctx, fault.every, fault.restartAfter ?? fault.for, downKey, action !== "restart");
}

export const processFaultSchema = z
  .strictObject({ ...processFields, target: processTargetSchema, action: z.enum(PROCESS_ACTIONS) })
  .superRefine((fault, ctx) => checkProcessFault(fault.action, fault, ctx));

/** The sketch's shorthand: { at: "10s", kill: "mosquitto", signal: "SIGKILL", restartAfter: "3s" }. */
const killShorthandSchema = z
  .strictObject({ ...processFields, kill: processTargetSchema })
  .superRefine((fault, ctx) => checkProcessFault("kill", fault, ctx));
const stopShorthandSchema = z
  .strictObject({ ...processFields, stop: processTargetSchema })
  .superRefine((fault, ctx) => checkProcessFault("stop", fault, ctx));
const pauseShorthandSchema = z
  .strictObject({ ...processFields, pause: processTargetSchema })
  .superRefine((fault, ctx) => checkProcessFault("pause", fault, ctx));
const restartShorthandSchema = z
  .strictObject({ ...processFields, restart: processTargetSchema })
  .superRefine((fault, ctx) => checkProcessFault("restart", fault, ctx));

export const faultSchema = z.union([
  networkFaultSchema,
  processFaultSchema,
  killShorthandSchema,
  stopShorthandSchema,
  pauseShorthandSchema,
  restartShorthandSchema,
]);

/** Keys that pick a branch of faultSchema, in the order of its options (for error messages). */
export const FAULT_BRANCH_KEYS: readonly (readonly string[])[] = [["link", "toxic"], ["target", "action"], ["kill"], ["stop"], ["pause"], ["restart"]];

export const FAULT_SHAPES_HINT =
  'expected a network fault { at, link, toxic } or a process fault { at, target, action } (or the shorthand { at, kill: "mosquitto" }, likewise stop, pause, restart)';

/** Which option of faultSchema an input meant, from its keys; undefined when nothing says. */
export function faultBranch(input: unknown): number | undefined {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return undefined;
  const index = FAULT_BRANCH_KEYS.findIndex((keys) => keys.some((key) => key in input));
  return index === -1 ? undefined : index;
}

export type NetworkFaultInput = z.input<typeof networkFaultSchema>;
export type ProcessFaultInput = z.input<typeof processFaultSchema>;
export type FaultInput = z.input<typeof faultSchema>;

/** The process target and action of a process fault in either spelling; undefined for a network fault. */
export function processFaultParts(fault: FaultInput): { target: ProcessTarget; action: ProcessAction; key: string } | undefined {
  if ("link" in fault) return undefined;
  if ("target" in fault) return { target: fault.target, action: fault.action, key: "target" };
  if ("kill" in fault) return { target: fault.kill, action: "kill", key: "kill" };
  if ("stop" in fault) return { target: fault.stop, action: "stop", key: "stop" };
  if ("pause" in fault) return { target: fault.pause, action: "pause", key: "pause" };
  if ("restart" in fault) return { target: fault.restart, action: "restart", key: "restart" };
  return undefined;
}

// ── settle ───────────────────────────────────────────────────────────────────────────────────

export const settleSchema = z.strictObject({
  /** Done when no new record has arrived in Kafka for this long. */
  quietPeriod: positiveDurationSchema.optional(),
  /** Give up waiting after this long (the reconciliation runs anyway). */
  maxWait: positiveDurationSchema.optional(),
});

// ── expectations ─────────────────────────────────────────────────────────────────────────────

function checkBound(
  bound: { min?: number | undefined; max?: number | undefined; minRate?: number | undefined; maxRate?: number | undefined },
  keys: readonly string[],
  ctx: z.RefinementCtx,
): void {
  if (Object.values(bound).every((value) => value === undefined)) {
    ctx.addIssue({ code: "custom", message: `a bound needs at least one of ${keys.join(", ")}` });
  }
  if (bound.min !== undefined && bound.max !== undefined && bound.min > bound.max) {
    ctx.addIssue({ code: "custom", path: ["min"], message: `${bound.min} is above max (${bound.max}): nothing can pass` });
  }
  if (bound.minRate !== undefined && bound.maxRate !== undefined && bound.minRate > bound.maxRate) {
    ctx.addIssue({ code: "custom", path: ["minRate"], message: `${bound.minRate} is above maxRate (${bound.maxRate}): nothing can pass` });
  }
}

const rateSchema = z.number().min(0).max(1);

/** Bounds on a count; rates are fractions of `sent` (0..1). */
export const boundSchema = z
  .strictObject({
    max: z.number().nonnegative().optional(),
    min: z.number().nonnegative().optional(),
    maxRate: rateSchema.optional(),
    minRate: rateSchema.optional(),
  })
  .superRefine((bound, ctx) => checkBound(bound, ["max", "min", "maxRate", "minRate"], ctx));

/** Bounds on a latency, in ms. */
export const latencyBoundSchema = z
  .strictObject({
    max: z.number().nonnegative().optional(),
    min: z.number().nonnegative().optional(),
  })
  .superRefine((bound, ctx) => checkBound(bound, ["max", "min"], ctx));

export const latencyExpectationSchema = z.strictObject({
  p50: latencyBoundSchema.optional(),
  p90: latencyBoundSchema.optional(),
  p99: latencyBoundSchema.optional(),
  p999: latencyBoundSchema.optional(),
  max: latencyBoundSchema.optional(),
});

export const qosExpectationSchema = z.strictObject({
  sent: boundSchema.optional(),
  acked: boundSchema.optional(),
  delivered: boundSchema.optional(),
  lost: boundSchema.optional(),
  lostAcked: boundSchema.optional(),
  lostUnacked: boundSchema.optional(),
  recovered: boundSchema.optional(),
  duplicates: boundSchema.optional(),
  reordered: boundSchema.optional(),
  corrupted: boundSchema.optional(),
  unexpected: boundSchema.optional(),
  latencyMs: latencyExpectationSchema.optional(),
});

export const expectSchema = z.strictObject({
  qos0: qosExpectationSchema.optional(),
  qos1: qosExpectationSchema.optional(),
  qos2: qosExpectationSchema.optional(),
});

export type Bound = z.output<typeof boundSchema>;
export type LatencyBound = z.output<typeof latencyBoundSchema>;
export type QosExpectation = z.output<typeof qosExpectationSchema>;
export type Expectations = z.output<typeof expectSchema>;

// Compile-time: the metric lists and the expectation schema cover QosResult exactly.
type Missing<Want, Have> = [Exclude<Want, Have>] extends [never] ? true : { missing: Exclude<Want, Have> };
const metricsCovered: [Missing<CountMetric, ExpectMetric>, Missing<ExpectMetric | "latencyMs", keyof QosExpectation>] = [true, true];
void metricsCovered;

// ── the scenario ─────────────────────────────────────────────────────────────────────────────

export const scenarioSchema = z
  .strictObject({
    /** kebab-case; names the report folder. */
    name: z.string().regex(SCENARIO_NAME_PATTERN, { error: 'expected a kebab-case name like "mosquitto-crash"' }).max(64),
    /** What the scenario proves, in a sentence or two. */
    description: z.string().optional(),
    workload: workloadSchema.optional(),
    bridge: bridgeSchema.optional(),
    brokers: brokersSchema.optional(),
    faults: z.array(faultSchema).optional(),
    settle: settleSchema.optional(),
    expect: expectSchema.optional(),
    /** Seeds every random choice of the run (jitter, fault choice); default random, printed in result.json. */
    seed: z.int().min(0).max(0xffff_ffff).optional(),
  })
  .superRefine((scenario, ctx) => {
    for (const issue of crossCheckIssues(scenario)) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
  });

export type ScenarioInput = z.input<typeof scenarioSchema>;

export interface CrossCheckIssue {
  path: (string | number)[];
  message: string;
}

/**
 * Checks across sections, given the effective QoS levels and duration (resolve.ts calls it again
 * after CLI overrides change them).
 */
export function crossCheckIssues(
  scenario: ScenarioInput,
  effective: { qos?: readonly QosLevel[]; durationMs?: number } = {},
): CrossCheckIssue[] {
  const issues: CrossCheckIssue[] = [];
  const qos = effective.qos ?? scenario.workload?.qos ?? DEFAULTS.workload.qos;
  for (const key of QOS_KEYS) {
    const level = Number(key.slice(3)) as QosLevel;
    if (scenario.expect?.[key] !== undefined && !qos.includes(level)) {
      issues.push({ path: ["expect", key], message: `the workload does not publish at QoS ${level} (workload.qos is [${qos.join(", ")}])` });
    }
  }

  const durationMs = effective.durationMs ?? parseDuration(scenario.workload?.duration ?? DEFAULTS.workload.duration);
  const brokers = scenario.brokers?.kafka?.brokers ?? DEFAULTS.kafka.brokers;
  scenario.faults?.forEach((fault, index) => {
    const atMs = parseDuration(fault.at);
    if (atMs >= durationMs) {
      issues.push({
        path: ["faults", index, "at"],
        message: `${formatDuration(atMs)} is not before the end of the workload (${formatDuration(durationMs)}): the fault would never start`,
      });
    }
    const parts = processFaultParts(fault);
    const node = parts === undefined ? undefined : kafkaNodeNumber(parts.target);
    if (parts !== undefined && node !== undefined && node > brokers) {
      issues.push({
        path: ["faults", index, parts.key],
        message: `there is no ${parts.target}: brokers.kafka.brokers is ${brokers}`,
      });
    }
  });

  const quietMs = parseDuration(scenario.settle?.quietPeriod ?? DEFAULTS.settle.quietPeriod);
  const maxWaitMs = parseDuration(scenario.settle?.maxWait ?? DEFAULTS.settle.maxWait);
  if (maxWaitMs < quietMs) {
    issues.push({
      path: ["settle", "maxWait"],
      message: `${formatDuration(maxWaitMs)} is shorter than quietPeriod (${formatDuration(quietMs)})`,
    });
  }
  return issues;
}
