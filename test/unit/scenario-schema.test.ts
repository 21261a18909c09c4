import { describe, expect, it } from "vitest";
import { LosslabError } from "../../harness/errors.js";
import { defineScenario } from "../../harness/scenario/define.js";
import { describeFault } from "../../harness/scenario/faults.js";
import {
  deriveSubscription,
  fillPattern,
  publisherRateAt,
  resolveScenario,
  totalRateAt,
  type ScenarioOverrides,
} from "../../harness/scenario/resolve.js";
import type { ScenarioInput } from "../../harness/scenario/schema.js";
import { validateScenario } from "../../harness/scenario/validate.js";
import baseline from "../../scenarios/baseline.js";

/** The LosslabError validateScenario throws, for asserting its exact message and details. */
function invalid(input: unknown, source = "scenarios/x.yaml"): LosslabError {
  try {
    validateScenario(input, source);
  } catch (error) {
    if (error instanceof LosslabError) return error;
    throw error;
  }
  throw new Error("expected the scenario to be invalid");
}

/** The CLI maps every LosslabError of these codes to exit code 2. */
const EXIT_2_CODES = ["SCENARIO_INVALID", "USAGE"];

describe("validateScenario", () => {
  it("accepts the sketch from DESIGN.md", () => {
    const sketch = defineScenario({
      name: "mosquitto-crash",
      description: "Mosquitto killed mid-run, persistence off: what do persistent sessions lose?",
      workload: { publishers: 4, qos: [0, 1, 2], ratePerSecond: 500, duration: "30s", payloadBytes: 256 },
      bridge: { mode: "at-least-once" },
      brokers: { mosquitto: { persistence: false } },
      faults: [{ at: "10s", kill: "mosquitto", signal: "SIGKILL", restartAfter: "3s" }],
      expect: { qos1: { lostAcked: { max: 0 } }, qos2: { lostAcked: { max: 0 }, duplicates: { max: 0 } } },
    });
    expect(validateScenario(sketch, "sketch.ts")).toEqual(sketch);
  });

  it("accepts the built-in baseline", () => {
    expect(() => validateScenario(baseline, "scenarios/baseline.ts")).not.toThrow();
  });

  it("string publishers: the path and the types", () => {
    const error = invalid({ name: "x", workload: { publishers: "2" } });
    expect(error.code).toBe("SCENARIO_INVALID");
    expect(error.message).toBe("scenarios/x.yaml: workload.publishers: expected number, received string");
    expect(error.details).toEqual(["workload.publishers: expected number, received string"]);
  });

  it("negative rate", () => {
    expect(invalid({ name: "x", workload: { ratePerSecond: -5 } }).message).toBe(
      "scenarios/x.yaml: workload.ratePerSecond: expected more than 0, received -5",
    );
  });

  it("unknown key, with a suggestion", () => {
    expect(invalid({ name: "x", workload: { publisher: 2 } }).message).toBe(
      'scenarios/x.yaml: workload.publisher: unknown key (did you mean "publishers"?)',
    );
  });

  it("unknown key without a near miss lists the known keys", () => {
    expect(invalid({ name: "x", settle: { wait: "1s" } }).details).toEqual([
      "settle.wait: unknown key (known keys: quietPeriod, maxWait)",
    ]);
  });

  it("unknown top-level and deeply nested keys", () => {
    expect(invalid({ name: "x", expects: {} }).details).toEqual(['expects: unknown key (did you mean "expect"?)']);
    expect(invalid({ name: "x", expect: { qos1: { lostAcked: { max: 0, maxx: 1 } } } }).details).toEqual([
      'expect.qos1.lostAcked.maxx: unknown key (did you mean "max"?)',
    ]);
  });

  it("bad toxic", () => {
    expect(invalid({ name: "x", faults: [{ at: "1s", link: "mqtt-pub", toxic: "packet_loss" }] }).details).toEqual([
      'faults[0].toxic: expected one of "latency", "bandwidth", "timeout", "reset_peer", "slicer", "limit_data", "down", received "packet_loss"',
    ]);
  });

  it("bad QoS", () => {
    expect(invalid({ name: "x", workload: { qos: [1, 3] } }).details).toEqual([
      "workload.qos[1]: expected one of 0, 1, 2, received 3",
    ]);
    expect(invalid({ name: "x", workload: { qos: [1, 1] } }).details).toEqual(["workload.qos[1]: QoS 1 is listed twice"]);
    expect(invalid({ name: "x", workload: { qos: [] } }).details).toEqual(["workload.qos: expected at least 1 item"]);
  });

  it("lists every problem, one a line, and counts them in the message", () => {
    const error = invalid({ name: "Not Kebab", workload: { publishers: 0, duration: "10 seconds" }, seed: 1.5 });
    expect(error.details).toEqual([
      'name: expected a kebab-case name like "mosquitto-crash"',
      "workload.publishers: expected at least 1, received 0",
      'workload.duration: expected a duration like "500ms", "10s", "2m" or "1h", or a whole number of milliseconds, received "10 seconds"',
      "seed: expected integer, received 1.5",
    ]);
    expect(error.message).toBe(`scenarios/x.yaml: ${error.details[0]} (and 3 more, listed below)`);
  });

  it("names a missing field and a non-object scenario", () => {
    expect(invalid({}).details).toEqual(["name: required"]);
    expect(invalid(null, "empty.yaml").message).toBe("empty.yaml: expected object, received null");
  });

  it("process faults: the shorthand and the general form", () => {
    expect(invalid({ name: "x", faults: [{ at: "1s", kill: "mosquito" }] }).details).toEqual([
      'faults[0].kill: expected "mosquitto", "kafka", "kafka-1"…"kafka-3" or "bridge", received "mosquito"',
    ]);
    expect(invalid({ name: "x", faults: [{ at: "1s", target: "bridge", action: "explode" }] }).details).toEqual([
      'faults[0].action: expected one of "kill", "stop", "pause", "restart", received "explode"',
    ]);
    expect(invalid({ name: "x", faults: [{ at: "1s", stop: "bridge", signal: "SIGKILL" }] }).details).toEqual([
      'faults[0].signal: stop always sends SIGTERM; use "kill" to choose the signal',
    ]);
    expect(invalid({ name: "x", faults: [{ at: "1s", kill: "bridge", for: "1s", restartAfter: "2s" }] }).details).toEqual([
      "faults[0].restartAfter: give for or restartAfter, not both (for a kill both mean the time before the restart)",
    ]);
  });

  it("a fault that is neither kind", () => {
    expect(invalid({ name: "x", faults: [{ at: "1s" }] }).details).toEqual([
      'faults[0]: expected a network fault { at, link, toxic } or a process fault { at, target, action } (or the shorthand { at, kill: "mosquitto" }, likewise stop, pause, restart)',
    ]);
  });

  it("toxic attributes and repeats", () => {
    expect(
      invalid({ name: "x", faults: [{ at: "1s", link: "mqtt-bridge", toxic: "latency", attributes: { delay: 5 } }] }).details,
    ).toEqual([
      'faults[0].attributes.delay: not an attribute of toxic "latency" (its attributes: latency, jitter)',
      'faults[0].attributes.latency: required for toxic "latency"',
    ]);
    expect(invalid({ name: "x", faults: [{ at: "1s", link: "mqtt-pub", toxic: "down", stream: "upstream" }] }).details).toEqual([
      'faults[0].stream: does not apply to toxic "down" (the link is cut outright)',
    ]);
    expect(invalid({ name: "x", faults: [{ at: "1s", every: "2s", link: "mqtt-pub", toxic: "down" }] }).details).toEqual([
      "faults[0].every: a repeated fault needs for: how long each occurrence lasts (shorter than every)",
    ]);
    expect(invalid({ name: "x", faults: [{ at: "1s", every: "2s", for: "2s", link: "mqtt-pub", toxic: "down" }] }).details).toEqual([
      "faults[0].for: 2s must be shorter than every (2s)",
    ]);
  });

  it("checks across sections", () => {
    expect(
      invalid({
        name: "x",
        workload: { qos: [1], duration: "10s" },
        faults: [
          { at: "12s", kill: "mosquitto" },
          { at: "1s", target: "kafka-3", action: "stop" },
        ],
        expect: { qos2: { lost: { max: 0 } } },
        settle: { quietPeriod: "5s", maxWait: "2s" },
      }).details,
    ).toEqual([
      "expect.qos2: the workload does not publish at QoS 2 (workload.qos is [1])",
      "faults[0].at: 12s is not before the end of the workload (10s): the fault would never start",
      "faults[1].target: there is no kafka-3: brokers.kafka.brokers is 1",
      "settle.maxWait: 2s is shorter than quietPeriod (5s)",
    ]);
  });

  it("bounds", () => {
    expect(invalid({ name: "x", expect: { qos0: { lost: {} } } }).details).toEqual([
      "expect.qos0.lost: a bound needs at least one of max, min, maxRate, minRate",
    ]);
    expect(invalid({ name: "x", expect: { qos0: { lost: { maxRate: 1.5 } } } }).details).toEqual([
      "expect.qos0.lost.maxRate: expected at most 1, received 1.5",
    ]);
    expect(invalid({ name: "x", expect: { qos0: { latencyMs: { p99: { maxRate: 0.1 } } } } }).details).toEqual([
      "expect.qos0.latencyMs.p99.maxRate: unknown key (known keys: max, min)",
      "expect.qos0.latencyMs.p99: a bound needs at least one of max, min",
    ]);
    expect(invalid({ name: "x", expect: { qos0: { delivered: { min: 10, max: 5 } } } }).details).toEqual([
      "expect.qos0.delivered.min: 10 is above max (5): nothing can pass",
    ]);
  });

  it("brokers", () => {
    expect(
      invalid({
        name: "x",
        brokers: {
          kafka: { brokers: 1, replicationFactor: 3, topic: "losslab {runId}" },
          mosquitto: { autosaveInterval: "5s" },
        },
      }).details,
    ).toEqual([
      "brokers.mosquitto.autosaveInterval: has no effect without persistence: true",
      "brokers.kafka.topic: a Kafka topic name is 1 to 249 letters, digits, '.', '_' or '-' (plus the placeholder {runId})",
      "brokers.kafka.replicationFactor: 3 is more than the number of brokers (1)",
    ]);
    expect(invalid({ name: "x", brokers: { kafka: { brokers: 3, minInsyncReplicas: 3, replicationFactor: 2 } } }).details).toEqual([
      "brokers.kafka.minInsyncReplicas: 3 is more than the replication factor (2): no write could succeed with acks all",
    ]);
    expect(invalid({ name: "x", brokers: { mosquitto: { persistence: true, autosaveOnChanges: true } } }).details).toEqual([
      "brokers.mosquitto.autosaveChanges: required with autosaveOnChanges: true (changes between saves)",
    ]);
  });

  it("workload topic, ramp and bridge environment", () => {
    expect(invalid({ name: "x", workload: { topic: "a/+/{pub}" } }).details).toEqual([
      "workload.topic: a topic to publish to cannot contain the wildcards + or #",
      "workload.topic: unknown placeholder {pub} (known: {runId}, {publisher}, {qos})",
    ]);
    expect(invalid({ name: "x", workload: { ratePerSecond: 10, rate: { shape: "ramp", from: 1, to: 2 } } }).details).toEqual([
      'workload.ratePerSecond: a ramp sets the rate itself (rate.from → rate.to, total per second): remove ratePerSecond or use rate.shape "constant"',
    ]);
    expect(invalid({ name: "x", workload: { rate: { shape: "zigzag" } } }).details).toEqual([
      'workload.rate.shape: expected one of "constant", "ramp", received "zigzag"',
    ]);
    expect(invalid({ name: "x", bridge: { env: { "MY-VAR": "1", LOSSLAB_MQTT_URL: "x" } } }).details).toEqual([
      'bridge.env["MY-VAR"]: not a valid environment variable name',
      "bridge.env.LOSSLAB_MQTT_URL: LOSSLAB_* variables are set by losslab (see DESIGN.md, External bridges)",
    ]);
    expect(invalid({ name: "x", workload: { payloadBytes: 100 } }).details).toEqual([
      "workload.payloadBytes: expected at least 160, received 100",
    ]);
  });

  it("every validation error maps to exit code 2", () => {
    expect(EXIT_2_CODES).toContain(invalid({ name: "x", workload: { publishers: "2" } }).code);
  });
});

describe("resolveScenario", () => {
  it("fills every default", () => {
    const resolved = resolveScenario({ name: "minimal" }, { seed: 7 });
    expect(resolved).toEqual({
      name: "minimal",
      description: "",
      workload: {
        publishers: 2,
        qos: [0, 1, 2],
        totalPublishers: 6,
        rate: { shape: "constant", perSecond: 300 },
        durationMs: 10_000,
        maxMessages: null,
        payloadBytes: 256,
        topic: "losslab/{runId}/{publisher}",
        subscription: "losslab/{runId}/#",
        mqttVersion: 4,
        cleanSession: true,
        inflightWindow: 100,
        padding: "ascii",
      },
      bridge: {
        mode: "at-least-once",
        command: null,
        image: null,
        readyPattern: null,
        env: {},
        cleanSession: false,
        clientId: "losslab-bridge-{runId}",
        encoding: "bytes",
        batchSize: 100,
      },
      brokers: {
        mosquitto: {
          persistence: false,
          autosave: { on: "interval", intervalMs: 1_800_000 },
          maxQueuedMessages: 1000,
          maxInflightMessages: 20,
          extraConfig: [],
        },
        kafka: {
          brokers: 1,
          version: null,
          partitions: 1,
          replicationFactor: 1,
          minInsyncReplicas: 1,
          retentionMs: null,
          topic: "losslab-{runId}",
          acks: -1,
        },
      },
      faults: [],
      settle: { quietPeriodMs: 3_000, maxWaitMs: 60_000 },
      expect: {},
      seed: 7,
      warnings: [],
    });
  });

  it("picks a random seed when none is given", () => {
    const { seed } = resolveScenario({ name: "minimal" });
    expect(Number.isInteger(seed) && seed >= 0 && seed <= 0xffff_ffff).toBe(true);
  });

  it("normalises fault shorthand and durations", () => {
    const resolved = resolveScenario({
      name: "faulty",
      workload: { duration: "1m" },
      brokers: { kafka: { brokers: 3 } },
      faults: [
        { at: "10s", kill: "mosquitto", restartAfter: "3s" },
        { at: "5s", target: "kafka-2", action: "pause", for: "2s", every: "20s" },
        { at: "0s", restart: "bridge" },
        { at: 1500, link: "kafka-bridge", toxic: "latency", attributes: { latency: 100 } },
      ],
    });
    expect(resolved.faults).toEqual([
      { kind: "process", atMs: 10_000, forMs: 3_000, everyMs: null, jitterMs: null, target: "mosquitto", action: "kill", signal: "SIGKILL" },
      { kind: "process", atMs: 5_000, forMs: 2_000, everyMs: 20_000, jitterMs: null, target: "kafka-2", action: "pause", signal: null },
      { kind: "process", atMs: 0, forMs: 0, everyMs: null, jitterMs: null, target: "bridge", action: "restart", signal: "SIGTERM" },
      {
        kind: "network",
        atMs: 1_500,
        forMs: null,
        everyMs: null,
        jitterMs: null,
        link: "kafka-bridge",
        toxic: "latency",
        stream: "both",
        attributes: { latency: 100 },
        toxicity: 1,
      },
    ]);
    expect(resolved.faults.map(describeFault)).toEqual([
      "kill mosquitto (SIGKILL) at 10s for 3s",
      "pause kafka-2 at 5s for 2s, every 20s",
      "restart bridge (SIGTERM) at 0ms for 0ms",
      "latency on kafka-bridge (both) at 1.5s",
    ]);
    expect(resolved.brokers.kafka).toMatchObject({ brokers: 3, replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it("applies CLI overrides", () => {
    const input: ScenarioInput = {
      name: "overridden",
      workload: { rate: { shape: "ramp", from: 100, to: 200 } },
      bridge: { command: ["my-bridge"], encoding: "bytes" },
      expect: { qos0: { lost: { maxRate: 0.01 } }, qos1: { lost: { max: 0 } } },
    };
    const overrides: ScenarioOverrides = { duration: "30s", ratePerSecond: 600, qos: [1], seed: 3, bridgeCommand: "node bridge.js --fast" };
    const resolved = resolveScenario(input, overrides);
    expect(resolved.workload).toMatchObject({ durationMs: 30_000, rate: { shape: "constant", perSecond: 600 }, qos: [1], totalPublishers: 2 });
    expect(resolved.bridge.command).toEqual(["/bin/sh", "-c", "node bridge.js --fast"]);
    expect(resolved.seed).toBe(3);
    expect(resolved.expect).toEqual({ qos1: { lost: { max: 0 } } });
    expect(resolved.warnings).toEqual([
      "--rate 600 replaces the ramp (100 → 200 per second) with a constant rate",
      "--bridge-cmd replaces bridge.command",
      "bridge.encoding applies to the reference bridge only; the external bridge ignores it",
      "expect.qos0 dropped: --qos 1 does not publish at QoS 0",
    ]);
  });

  it("takes an external bridge image from the scenario or --bridge-image; an image runs its own entrypoint", () => {
    const fromFile = resolveScenario({ name: "imaged", bridge: { image: "acme/bridge:1" } });
    expect(fromFile.bridge).toMatchObject({ image: "acme/bridge:1", command: null });
    const overridden = resolveScenario({ name: "imaged", bridge: { image: "acme/bridge:1", command: ["run"] } }, { bridgeImage: "acme/bridge:2" });
    expect(overridden.bridge).toMatchObject({ image: "acme/bridge:2", command: null });
    expect(overridden.warnings).toEqual(["--bridge-image replaces bridge.image", "a bridge image runs its own entrypoint: the bridge command is ignored"]);
    expect(() => resolveScenario({ name: "imaged" }, { bridgeImage: " " })).toThrow(expect.objectContaining({ code: "USAGE" }));
    expect(resolveScenario({ name: "ready", bridge: { command: ["b"], readyPattern: "^ready$" } }).bridge.readyPattern).toBe("^ready$");
    expect(() => resolveScenario({ name: "ready", bridge: { command: ["b"], readyPattern: "(" } })).toThrow(
      expect.objectContaining({ code: "SCENARIO_INVALID", message: 'scenario "ready": bridge.readyPattern: expected a valid regular expression' }),
    );
  });

  it("rejects bad overrides as USAGE, naming the flag", () => {
    expect(() => resolveScenario({ name: "x" }, { ratePerSecond: -1 })).toThrow(
      expect.objectContaining({ code: "USAGE", message: "--rate: expected more than 0, received -1" }),
    );
    expect(() => resolveScenario({ name: "x" }, { duration: "soon" })).toThrow(
      expect.objectContaining({ code: "USAGE", message: expect.stringMatching(/^--duration: expected a duration like/) }),
    );
    expect(() => resolveScenario({ name: "x" }, { qos: [4] })).toThrow(
      expect.objectContaining({ code: "USAGE", message: "--qos [0]: expected one of 0, 1, 2, received 4" }),
    );
    expect(() => resolveScenario({ name: "x", faults: [{ at: "5s", kill: "bridge" }] }, { duration: "2s" })).toThrow(
      expect.objectContaining({
        code: "USAGE",
        message: 'scenario "x": faults[0].at: 5s is not before the end of the workload (2s): the fault would never start (with --duration 2s)',
      }),
    );
  });

  it("validates its input", () => {
    expect(() => resolveScenario({ name: "x", workload: { publishers: "2" } } as unknown as ScenarioInput)).toThrow(
      expect.objectContaining({ code: "SCENARIO_INVALID", message: 'scenario "x": workload.publishers: expected number, received string' }),
    );
  });

  it("autosave on changes", () => {
    const resolved = resolveScenario({
      name: "x",
      brokers: { mosquitto: { persistence: true, autosaveOnChanges: true, autosaveChanges: 10 } },
    });
    expect(resolved.brokers.mosquitto.autosave).toEqual({ on: "changes", changes: 10 });
  });
});

describe("helpers", () => {
  it("deriveSubscription", () => {
    expect(deriveSubscription("losslab/{runId}/{publisher}")).toBe("losslab/{runId}/#");
    expect(deriveSubscription("t/{runId}/q{qos}/{publisher}")).toBe("t/{runId}/#");
    expect(deriveSubscription("fixed/{runId}")).toBe("fixed/{runId}");
  });

  it("fillPattern", () => {
    expect(fillPattern("losslab/{runId}/{publisher}/{qos}", { runId: "r1", publisher: "p3", qos: 1 })).toBe("losslab/r1/p3/1");
    expect(() => fillPattern("a/{publisher}", { runId: "r1" })).toThrow(/needs a value for \{publisher\}/);
  });

  it("rates: the total is split evenly and a ramp is linear", () => {
    const constant = resolveScenario({ name: "x", workload: { publishers: 2, ratePerSecond: 600 } }).workload;
    expect(publisherRateAt(constant, 0)).toBe(100);
    const ramp = resolveScenario({ name: "x", workload: { duration: "10s", rate: { shape: "ramp", from: 0, to: 600 } } }).workload;
    expect(totalRateAt(ramp, 0)).toBe(0);
    expect(totalRateAt(ramp, 5_000)).toBe(300);
    expect(totalRateAt(ramp, 20_000)).toBe(600);
    expect(publisherRateAt(ramp, 10_000)).toBe(100);
  });
});
