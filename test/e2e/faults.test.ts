/** Fault primitives and the timeline against the real environment. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import type { NativeEnvironment } from "../../harness/env/native/environment.js";
import { mqttAnswers } from "../../harness/env/native/environment.js";
import { FaultTimeline } from "../../harness/faults/timeline.js";
import { normaliseFault } from "../../harness/scenario/faults.js";
import type { FaultEvent } from "../../harness/result.js";
import { testEnvironment } from "../support/env.js";

describe("fault timeline on the native runtime", () => {
  let env: NativeEnvironment;
  beforeAll(async () => {
    env = await testEnvironment();
  });
  afterAll(async () => {
    await env?.dispose();
  });

  it("adds a toxic on both streams while active and removes it at its end", async () => {
    const started = Date.now();
    const events: FaultEvent[] = [];
    const timeline = new FaultTimeline(
      env,
      [normaliseFault({ at: "100ms", for: "1s", link: "mqtt-pub", toxic: "latency", attributes: { latency: 300, jitter: 10 } })],
      { workloadMs: 5_000, clock: () => Date.now() - started, onEvent: (event) => events.push(event) },
    );
    timeline.start();
    await sleep(500);
    const active = await env.toxiproxy.listToxics("mqtt-pub");
    expect(active.map((toxic) => `${toxic.type}/${toxic.stream}`).sort()).toEqual(["latency/downstream", "latency/upstream"]);
    expect(active[0]!.attributes).toMatchObject({ latency: 300, jitter: 10 });
    await sleep(1_200);
    expect(await env.toxiproxy.listToxics("mqtt-pub")).toEqual([]);
    await timeline.healAll();
    const [event] = timeline.events;
    expect(event).toMatchObject({ kind: "latency", target: "mqtt-pub" });
    expect(event!.startMs).toBeGreaterThanOrEqual(100);
    expect(event!.endMs! - event!.startMs).toBeGreaterThanOrEqual(1_000);
  });

  it("takes a link down for its duration, and repeats it every period", async () => {
    const started = Date.now();
    const timeline = new FaultTimeline(env, [normaliseFault({ at: "0ms", every: "1s", for: "400ms", link: "mqtt-bridge", toxic: "down" })], {
      workloadMs: 2_500,
      clock: () => Date.now() - started,
    });
    timeline.start();
    await sleep(200);
    expect((await env.toxiproxy.getProxy("mqtt-bridge")).enabled).toBe(false);
    await expect(mqttAnswers(env.endpoints.mqtt.bridge, 500)).rejects.toThrow();
    await sleep(600);
    expect((await env.toxiproxy.getProxy("mqtt-bridge")).enabled).toBe(true);
    await sleep(2_000);
    await timeline.healAll();
    expect(timeline.events.map((event) => event.kind)).toEqual(["down", "down", "down"]);
    expect(timeline.events.every((event) => event.endMs !== null)).toBe(true);
  });

  it("leaves a fault without `for` active until the final heal, which restarts a killed process", async () => {
    const started = Date.now();
    const timeline = new FaultTimeline(env, [normaliseFault({ at: "0ms", kill: "mosquitto" }), normaliseFault({ at: "0ms", link: "kafka-bridge", toxic: "timeout" })], {
      workloadMs: 1_000,
      clock: () => Date.now() - started,
    });
    timeline.start();
    await sleep(1_000);
    expect(env.service("mosquitto").state).toBe("stopped");
    expect(await env.toxiproxy.listToxics("kafka-bridge")).toHaveLength(2);
    await timeline.healAll();
    expect(env.service("mosquitto").state).toBe("running");
    expect(await mqttAnswers(env.endpoints.mqtt.direct)).toBe(true);
    expect(await env.toxiproxy.listToxics("kafka-bridge")).toEqual([]);
    expect(timeline.events.every((event) => event.endMs !== null)).toBe(true);
  });

  it("pauses a process for its duration and records a failing step without stopping the timeline", async () => {
    const started = Date.now();
    const timeline = new FaultTimeline(
      env,
      [normaliseFault({ at: "0ms", for: "700ms", target: "mosquitto", action: "pause" }), normaliseFault({ at: "0ms", kill: "bridge" })],
      { workloadMs: 1_000, clock: () => Date.now() - started },
    );
    timeline.start();
    await sleep(300);
    expect(env.service("mosquitto").state).toBe("paused");
    await sleep(700);
    expect(env.service("mosquitto").state).toBe("running");
    await timeline.healAll();
    const failed = timeline.events.find((event) => event.target === "bridge");
    // No bridge was started in this environment: the step fails, is recorded, and the rest goes on.
    expect(failed?.error).toMatch(/SERVICE_UNKNOWN/);
  });
});
