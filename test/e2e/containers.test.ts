/**
 * The containers runtime against a real Docker engine, with the locally built images (the global setup starts
 * dockerd when needed and builds them). Same scenarios as the native runtime; faults go through the engine.
 * LOSSLAB_SKIP_CONTAINERS=1 skips this file on machines without Docker.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type Dockerode from "dockerode";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getContainerRuntimeClient } from "testcontainers";
import { ContainersEnvironment, startContainersEnvironment } from "../../harness/env/containers/environment.js";
import { LABEL_OWNER, sweepStaleContainers } from "../../harness/env/containers/cleanup.js";
import { mqttAnswers } from "../../harness/env/native/environment.js";
import { chooseRuntime } from "../../harness/env/select.js";
import { liveBrokerCount } from "../../harness/kafka/client.js";
import { buildLayeredImage, buildLocalImages, imageExists, type ContainerImages } from "../../harness/setup/images.js";
import { loadScenario } from "../../harness/scenario/load.js";
import { resolveScenario, type ScenarioOverrides } from "../../harness/scenario/resolve.js";
import { runScenario, type RunOutcome } from "../../harness/run.js";
import type { QosResult } from "../../harness/result.js";
import { ROOT, runCli, spawnCli } from "../support/cli.js";
import { ensureCompose } from "../../harness/setup/docker.js";
import { exec } from "../../harness/setup/exec.js";
import { COMPOSE_HOST_PORTS } from "../../harness/env/containers/compose.js";
import mqtt from "mqtt";
import { readUntilQuiet } from "../../harness/kafka/reader.js";

const skip = process.env.LOSSLAB_SKIP_CONTAINERS === "1";
const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), prefix));

let images: ContainerImages;
let docker: Dockerode;

/** Containers of the test process itself or of a CLI it started (by owner label). */
async function containersOwnedBy(pid: number): Promise<Dockerode.ContainerInfo[]> {
  const all = await docker.listContainers({ all: true, filters: { label: [LABEL_OWNER] } });
  return all.filter((info) => info.Labels[LABEL_OWNER]?.endsWith(`:${pid}`));
}

/** The promise's value, or "no answer" when it neither resolves nor rejects in time (a frozen broker). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | "no answer" | "failed"> {
  promise.catch(() => {});
  return Promise.race([promise.catch(() => "failed" as const), sleep(ms).then(() => "no answer" as const)]);
}

async function runThroughContainers(name: string, overrides: ScenarioOverrides = {}): Promise<RunOutcome> {
  const scenario = resolveScenario(await loadScenario(name), overrides, { source: name });
  return runScenario(scenario, { outDir: tempDir("losslab-ct-run-"), runtime: "containers", images });
}

describe.skipIf(skip)("containers runtime", () => {
  beforeAll(async () => {
    images = await buildLocalImages();
    docker = (await getContainerRuntimeClient()).container.dockerode;
  }, 600_000);

  describe("environment and process faults through the engine", () => {
    let env: ContainersEnvironment;
    beforeAll(async () => {
      env = await startContainersEnvironment({ workDir: tempDir("losslab-ct-env-"), images });
    });
    afterAll(async () => {
      await env?.dispose();
      expect(await containersOwnedBy(process.pid)).toEqual([]);
    });

    const inspect = (name: "mosquitto" | "kafka" | "toxiproxy"): Promise<Dockerode.ContainerInspectInfo> =>
      docker.getContainer(env.containerIdOf(name)!).inspect();

    it("publishes ports on 127.0.0.1 only, on a network of its own, and reports versions", async () => {
      for (const name of ["mosquitto", "kafka", "toxiproxy"] as const) {
        const info = await inspect(name);
        const bindings = Object.values(info.HostConfig.PortBindings ?? {}).flat() as Array<{ HostIp: string }>;
        expect(bindings.length).toBeGreaterThan(0);
        for (const binding of bindings) expect(binding.HostIp).toBe("127.0.0.1");
        expect(Object.keys(info.NetworkSettings.Networks)).toContain(env.networkName);
      }
      expect(env.versions).toMatchObject({ kafka: "3.9.1", mosquitto: expect.stringMatching(/^2\./), toxiproxy: "v2.12.0" });
      expect(env.endpoints.kafka.bridge).toEqual(["toxiproxy:8670"]);
      expect((await env.toxiproxy.listProxies())["kafka-bridge"]).toMatchObject({ upstream: "kafka:9093", enabled: true });
    });

    it("kill -9 Mosquitto stops its container at once, and start brings it back on the same port", async () => {
      await env.service("mosquitto").kill();
      const killed = await inspect("mosquitto");
      expect(killed.State.Running).toBe(false);
      expect(killed.State.ExitCode).toBe(137);
      expect(await mqttAnswers(env.endpoints.mqtt.direct, 1_000).catch(() => false)).toBe(false);
      await env.service("mosquitto").start();
      expect(await mqttAnswers(env.endpoints.mqtt.direct)).toBe(true);
      expect(await mqttAnswers(env.endpoints.mqtt.publish)).toBe(true);
    });

    it("pause freezes Kafka (it stops answering) and resume thaws it", async () => {
      await env.service("kafka").pause();
      expect((await inspect("kafka")).State.Paused).toBe(true);
      expect(await within(liveBrokerCount(env.endpoints.kafka.direct), 3_000)).toBe("no answer");
      await env.service("kafka").resume();
      expect((await inspect("kafka")).State.Paused).toBe(false);
      expect(await liveBrokerCount(env.endpoints.kafka.direct)).toBe(1);
    });

    it("stops Kafka gracefully and heal() starts it again", async () => {
      await env.service("kafka").stop();
      const stopped = await inspect("kafka");
      expect(stopped.State.Running).toBe(false);
      expect(stopped.State.ExitCode).not.toBe(137);
      expect(env.service("kafka").state).toBe("stopped");
      await env.heal();
      expect(env.service("kafka").state).toBe("running");
      expect(await liveBrokerCount(env.endpoints.kafka.direct)).toBe(1);
      expect(env.service("kafka").lastLines(400).join("\n")).toMatch(/Kafka Server started|started \(kafka\.server/);
    });
  });

  describe("scenarios", () => {
    afterEach(async () => {
      expect(await containersOwnedBy(process.pid)).toEqual([]);
    });

    it("baseline: every QoS 1 and 2 message exactly once", async () => {
      const { result } = await runThroughContainers("baseline", { duration: "5s" });
      expect(result.runtime).toBe("containers");
      expect(result.pass, JSON.stringify(result.expectations.filter((e) => !e.pass))).toBe(true);
      for (const level of ["1", "2"] as const) {
        const qos = result.qos[level] as QosResult;
        expect(qos.sent).toBeGreaterThan(400);
        expect(qos.delivered).toBe(qos.sent);
        expect(qos.lostAcked + qos.lostUnacked + qos.duplicates + qos.corrupted).toBe(0);
      }
    }, 240_000);

    it("a toxic: connection resets on mqtt-pub lose QoS 0 messages, never an acknowledged QoS 1 or 2 one", async () => {
      const { result } = await runThroughContainers("qos0-connection-resets", { duration: "10s" });
      const resets = result.faults.filter((fault) => fault.kind === "reset_peer" && fault.target === "mqtt-pub");
      expect(resets.length).toBe(2);
      for (const fault of resets) expect(fault.endMs! - fault.startMs).toBeGreaterThanOrEqual(1_000);
      const qos0 = result.qos["0"]!;
      expect(qos0.lostUnacked).toBeGreaterThan(0);
      expect(qos0.delivered + qos0.lostUnacked).toBe(qos0.sent);
      for (const level of ["1", "2"] as const) {
        expect(result.qos[level]!.lostAcked).toBe(0);
        expect(result.qos[level]!.delivered).toBe(result.qos[level]!.sent);
      }
      // The scenario's QoS 0 expectation fails on purpose; the others hold.
      expect(result.expectations.filter((e) => !e.pass).map((e) => e.name)).toEqual(["qos0.lost ≤ 0"]);
    }, 240_000);

    it("an external bridge image runs with its own entrypoint and the LOSSLAB_* environment", async () => {
      // An image of the reference bridge packaged like a user's bridge: no mount, its own ENTRYPOINT.
      const tag = `losslab-test/packaged-bridge:${process.pid}`;
      await buildLayeredImage({
        tag,
        from: images.bridge,
        files: [
          { source: join(ROOT, "package.json"), target: "/app/package.json" },
          { source: join(ROOT, "dist"), target: "/app/dist" },
          { source: join(ROOT, "node_modules"), target: "/app/node_modules" },
        ],
        entrypoint: ["node", "/app/dist/harness/cli.js", "bridge"],
      });
      try {
        const input = await loadScenario("baseline");
        const scenario = resolveScenario({ ...input, bridge: { ...input.bridge, readyPattern: "losslab-bridge ready" } }, { duration: "4s", bridgeImage: tag });
        const outcome = await runScenario(scenario, { outDir: tempDir("losslab-ct-image-"), runtime: "containers", images });
        expect(outcome.result.pass, JSON.stringify(outcome.result.expectations.filter((e) => !e.pass))).toBe(true);
        expect(outcome.result.qos["1"]!.delivered).toBe(outcome.result.qos["1"]!.sent);
        const bridgeLog = readFileSync(join(outcome.runDir, "env", "bridge.log"), "utf8");
        expect(bridgeLog).toMatch(/losslab-bridge ready mode=at-least-once/);
      } finally {
        await docker.getImage(tag).remove({ force: true }).catch(() => {});
      }
      expect(await imageExists(tag)).toBe(false);
    }, 240_000);

    it("a kill: kill -9 of the Kafka container with an at-least-once bridge loses nothing acknowledged", async () => {
      const { result } = await runThroughContainers("kafka-crash-at-least-once");
      const [kill] = result.faults;
      expect(kill).toMatchObject({ kind: "kill", target: "kafka" });
      expect(kill!.error).toBeUndefined();
      expect(kill!.endMs).not.toBeNull();
      for (const level of ["1", "2"] as const) {
        const qos = result.qos[level]!;
        expect(qos.sent).toBeGreaterThan(1_000);
        expect(qos.lostAcked).toBe(0);
        expect(qos.delivered).toBe(qos.sent);
      }
      expect(result.pass).toBe(true);
    }, 300_000);
  });

  describe("choosing the runtime and cleaning up", () => {
    it("auto picks containers when the engine has every image, native when one is missing", async () => {
      const saved = process.env.LOSSLAB_IMAGES;
      process.env.LOSSLAB_IMAGES = "local";
      try {
        expect(await chooseRuntime("auto")).toMatchObject({ runtime: "containers", reason: expect.stringMatching(/images present/) });
        const missing = await chooseRuntime("auto", { images: { kafka: "losslab-local/kafka:0.0.0-absent" } });
        expect(missing).toEqual({ runtime: "native", reason: expect.stringMatching(/images missing: losslab-local\/kafka:0\.0\.0-absent/) });
        expect(await chooseRuntime("native")).toEqual({ runtime: "native", reason: "requested" });
      } finally {
        if (saved === undefined) delete process.env.LOSSLAB_IMAGES;
        else process.env.LOSSLAB_IMAGES = saved;
      }
    });

    it("losslab run --runtime auto says it picked containers, and doctor says the runtime is usable", async () => {
      const out = tempDir("losslab-ct-cli-");
      const run = await runCli(["run", "baseline", "--runtime", "auto", "--duration", "3s", "--quiet", "--out", out], { LOSSLAB_IMAGES: "local" });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(/runtime: containers \(auto: Docker engine .*images present\)/);
      expect(run.stdout).toMatch(/\(containers; mosquitto 2\.\S+, kafka 3\.9\.1\)/);
      const doctor = await runCli(["doctor", "--json"], { LOSSLAB_IMAGES: "local" });
      const containers = (JSON.parse(doctor.stdout) as Array<{ name: string; ok: boolean; detail: string }>).find((check) => check.name === "containers");
      expect(containers).toMatchObject({ ok: true, detail: expect.stringMatching(/^usable: engine/) });
      const missing = await runCli(["doctor", "--json"], { LOSSLAB_IMAGES: "local", LOSSLAB_TOXIPROXY_IMAGE: "losslab-local/none:1" });
      const check = (JSON.parse(missing.stdout) as Array<{ name: string; ok: boolean; detail: string }>).find((entry) => entry.name === "containers");
      expect(check).toMatchObject({ ok: false, detail: expect.stringMatching(/images missing: losslab-local\/none:1/) });
    }, 240_000);

    it("removes its containers on SIGINT; after a SIGKILL the next start sweeps them", async () => {
      const waitUp = (child: ReturnType<typeof spawnCli>): Promise<void> =>
        new Promise((resolve, reject) => {
          let output = "";
          child.stdout.on("data", (chunk: Buffer) => {
            output += chunk.toString();
            if (output.includes("environment up")) resolve();
          });
          child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
          child.once("exit", (code) => reject(new Error(`env up exited with ${code}: ${output}`)));
        });
      const exited = (child: ReturnType<typeof spawnCli>): Promise<number | null> => new Promise((resolve) => child.once("exit", (code) => resolve(code)));

      const interrupted = spawnCli(["env", "up", "--runtime", "containers"], { LOSSLAB_IMAGES: "local" });
      await waitUp(interrupted);
      expect((await containersOwnedBy(interrupted.pid!)).length).toBe(3);
      interrupted.kill("SIGINT");
      expect(await exited(interrupted)).toBe(130);
      expect(await containersOwnedBy(interrupted.pid!)).toEqual([]);

      const killed = spawnCli(["env", "up", "--runtime", "containers"], { LOSSLAB_IMAGES: "local" });
      await waitUp(killed);
      killed.kill("SIGKILL");
      await exited(killed);
      await sleep(200);
      expect((await containersOwnedBy(killed.pid!)).length).toBe(3);
      const swept = await sweepStaleContainers(docker);
      expect(swept.filter((name) => name.endsWith("-mosquitto") || name.endsWith("-kafka") || name.endsWith("-toxiproxy")).length).toBe(3);
      expect(await containersOwnedBy(killed.pid!)).toEqual([]);
    }, 240_000);
  });

  describe("docker-compose.test.yml", () => {
    it("is a valid Compose file, and its topology carries MQTT through mqtt-pub and the bridge into Kafka", async () => {
      const [command, ...base] = await ensureCompose();
      const project = `losslab-compose-${process.pid}`;
      const compose = (...args: string[]) =>
        exec(command!, [...base, "-f", join(ROOT, "docker-compose.test.yml"), "-p", project, "--profile", "bridge", ...args], {
          cwd: ROOT,
          timeoutMs: 120_000,
          env: {
            ...process.env,
            LOSSLAB_MOSQUITTO_IMAGE: images.mosquitto,
            LOSSLAB_KAFKA_IMAGE: images.kafka,
            LOSSLAB_TOXIPROXY_IMAGE: images.toxiproxy,
            LOSSLAB_BRIDGE_IMAGE: images.bridge,
          },
        });
      const config = await compose("config", "--services");
      expect(config.code, config.stderr).toBe(0);
      expect(config.stdout.trim().split("\n").sort()).toEqual(["bridge", "kafka", "mosquitto", "toxiproxy"]);
      try {
        const up = await compose("up", "-d");
        expect(up.code, up.stderr).toBe(0);
        // Messages published before the bridge's first subscription have no subscriber: wait for its ready line.
        const readyBy = Date.now() + 90_000;
        while (!/losslab-bridge ready/.test((await compose("logs", "bridge")).stdout) && Date.now() < readyBy) await sleep(500);
        const client = await connectWithRetry(`mqtt://127.0.0.1:${COMPOSE_HOST_PORTS.mqttPub}`, 60_000);
        for (let index = 0; index < 20; index++) await client.publishAsync("losslab/compose", `compose-${index}`, { qos: 1 });
        await client.endAsync();
        const seen: string[] = [];
        const deadline = Date.now() + 60_000;
        while (seen.length < 20 && Date.now() < deadline) {
          const values: string[] = [];
          await readUntilQuiet({
            brokers: [`127.0.0.1:${COMPOSE_HOST_PORTS.kafkaDirect}`],
            topic: "losslab",
            startOffsets: {},
            quietPeriodMs: 1_000,
            maxWaitMs: 10_000,
            onRecord: (record) => values.push(record.value?.toString() ?? ""),
          }).catch(() => undefined);
          seen.splice(0, seen.length, ...values);
          if (seen.length < 20) await sleep(1_000);
        }
        const logs = seen.length < 20 ? (await compose("logs", "--tail", "20")).stdout : "";
        expect(seen.sort(), logs).toEqual(Array.from({ length: 20 }, (_, index) => `compose-${index}`).sort());
      } finally {
        const down = await compose("down", "-v", "--remove-orphans");
        expect(down.code, down.stderr).toBe(0);
      }
    }, 240_000);
  });
});

async function connectWithRetry(url: string, timeoutMs: number): Promise<mqtt.MqttClient> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await mqtt.connectAsync(url, { clientId: `losslab-compose-test-${process.pid}`, reconnectPeriod: 0, connectTimeout: 2_000 });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}

