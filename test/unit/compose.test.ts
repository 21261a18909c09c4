/** docker-compose.test.yml mounts configs rendered by the containers runtime's own code: they must not drift. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { composeFiles, COMPOSE_HOST_PORTS } from "../../harness/env/containers/compose.js";
import { ROOT } from "../support/cli.js";

describe("compose/ configs", () => {
  const files = composeFiles();

  it("are what the containers runtime renders (LOSSLAB_UPDATE_COMPOSE=1 rewrites them)", () => {
    for (const [path, content] of Object.entries(files)) {
      const file = join(ROOT, "compose", path);
      if (process.env.LOSSLAB_UPDATE_COMPOSE === "1") {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content);
      }
      expect(readFileSync(file, "utf8"), path).toBe(content);
    }
  });

  it("advertise the DIRECT listener on the host port the compose file publishes, and the proxy inside the network", () => {
    const server = files["kafka/server.properties"]!;
    expect(server).toContain(`advertised.listeners=DIRECT://127.0.0.1:${COMPOSE_HOST_PORTS.kafkaDirect},PROXIED://toxiproxy:8670,INTERNAL://kafka:9092`);
    expect(server).toContain("inter.broker.listener.name=INTERNAL");
    const compose = readFileSync(join(ROOT, "docker-compose.test.yml"), "utf8");
    expect(compose).toContain(`"127.0.0.1:${COMPOSE_HOST_PORTS.kafkaDirect}:${COMPOSE_HOST_PORTS.kafkaDirect}"`);
    expect(compose).toContain(`"127.0.0.1:${COMPOSE_HOST_PORTS.mqttPub}:8666"`);
    const proxies = JSON.parse(files["toxiproxy.json"]!) as Array<{ name: string; upstream: string }>;
    expect(proxies.map((proxy) => `${proxy.name}→${proxy.upstream}`)).toEqual(["mqtt-pub→mosquitto:1883", "mqtt-bridge→mosquitto:1883", "kafka-bridge→kafka:9093"]);
  });
});
