/** The native runtime against real Mosquitto, Kafka and Toxiproxy processes. */
import { describe, expect, it, beforeAll, afterAll } from "vitest";
import mqtt from "mqtt";
import { mqttAnswers, type NativeEnvironment } from "../../harness/env/native/environment.js";
import { kafkaClient, liveBrokerCount } from "../../harness/kafka/client.js";
import { createTopic } from "../../harness/kafka/topic.js";
import { testEnvironment } from "../support/env.js";

async function publishAndReceive(publishUrl: string, subscribeUrl: string, topic: string, payload: string): Promise<string> {
  const subscriber = await mqtt.connectAsync(subscribeUrl, { reconnectPeriod: 0 });
  const publisher = await mqtt.connectAsync(publishUrl, { reconnectPeriod: 0 });
  try {
    const received = new Promise<string>((resolve, reject) => {
      subscriber.on("message", (_topic, message) => resolve(message.toString()));
      setTimeout(() => reject(new Error("no message within 5 s")), 5_000);
    });
    await subscriber.subscribeAsync(topic, { qos: 1 });
    await publisher.publishAsync(topic, payload, { qos: 1 });
    return await received;
  } finally {
    await publisher.endAsync(true);
    await subscriber.endAsync(true);
  }
}

async function produce(brokers: string[], topic: string, values: string[]): Promise<void> {
  const producer = kafkaClient(brokers, "test-producer", { retry: { retries: 10, maxRetryTime: 2_000 } }).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
  } finally {
    await producer.disconnect();
  }
}

async function readAll(brokers: string[], topic: string, expected: number): Promise<string[]> {
  const consumer = kafkaClient(brokers, "test-consumer", { retry: { retries: 15, maxRetryTime: 2_000 } }).consumer({ groupId: `test-${Date.now()}-${Math.random()}` });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${values.length}/${expected} records within 20 s`)), 20_000);
      consumer
        .run({
          eachMessage: async ({ message }) => {
            values.push(message.value?.toString() ?? "");
            if (values.length >= expected) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    return values;
  } finally {
    await consumer.disconnect();
  }
}

describe("native environment, single Kafka broker", () => {
  let env: NativeEnvironment;
  beforeAll(async () => {
    env = await testEnvironment();
  });
  afterAll(async () => {
    await env?.dispose();
  });

  it("binds every endpoint to 127.0.0.1 and reports versions", () => {
    const urls = [env.endpoints.mqtt.direct, env.endpoints.mqtt.publish, env.endpoints.mqtt.bridge, env.endpoints.toxiproxy, ...env.endpoints.kafka.direct, ...env.endpoints.kafka.bridge];
    for (const url of urls) expect(url).toContain("127.0.0.1:");
    expect(env.versions.mosquitto).toMatch(/^2\./);
    expect(env.versions.kafka).toMatch(/^\d+\.\d+/);
    expect(env.versions.toxiproxy).toMatch(/^v2\./);
  });

  it("carries a message published through the mqtt-pub link to Mosquitto", async () => {
    const received = await publishAndReceive(env.endpoints.mqtt.publish, env.endpoints.mqtt.direct, "t/pub", "via-proxy");
    expect(received).toBe("via-proxy");
  });

  it("carries a record produced through the kafka-bridge link, read on the DIRECT listener", async () => {
    await createTopic(env.endpoints.kafka.direct, { topic: "through-proxy", partitions: 1, replicationFactor: 1 });
    await produce(env.endpoints.kafka.bridge, "through-proxy", ["r1", "r2"]);
    expect(await readAll(env.endpoints.kafka.direct, "through-proxy", 2)).toEqual(["r1", "r2"]);
  });

  it("kills Kafka (it is down) and restarts it on the same ports with its data", async () => {
    await createTopic(env.endpoints.kafka.direct, { topic: "survives", partitions: 1, replicationFactor: 1 });
    await produce(env.endpoints.kafka.direct, "survives", ["kept"]);
    const kafka = env.service("kafka");
    await kafka.kill();
    expect(kafka.state).toBe("stopped");
    await expect(liveBrokerCount(env.endpoints.kafka.direct)).rejects.toThrow();
    await kafka.start();
    expect(kafka.state).toBe("running");
    expect(await readAll(env.endpoints.kafka.direct, "survives", 1)).toEqual(["kept"]);
  });

  it("stops Kafka gracefully (SIGTERM) and starts it again", async () => {
    const kafka = env.service("kafka");
    await kafka.stop();
    await expect(liveBrokerCount(env.endpoints.kafka.direct)).rejects.toThrow();
    await kafka.start();
    expect(await liveBrokerCount(env.endpoints.kafka.direct)).toBe(1);
  });

  it("pauses Mosquitto (it stops answering) and resumes it", async () => {
    const mosquitto = env.service("mosquitto");
    await mosquitto.pause();
    expect(mosquitto.state).toBe("paused");
    await expect(mqttAnswers(env.endpoints.mqtt.direct, 1_000)).rejects.toThrow();
    await mosquitto.resume();
    expect(await mqttAnswers(env.endpoints.mqtt.direct)).toBe(true);
  });

  it("restarts a killed Mosquitto on the same port", async () => {
    const mosquitto = env.service("mosquitto");
    await mosquitto.restart({ kill: true });
    expect(await mqttAnswers(env.endpoints.mqtt.direct)).toBe(true);
  });

  it("fails clients through a disabled link and lets them recover when it is re-enabled", async () => {
    await env.toxiproxy.setEnabled("mqtt-pub", false);
    await expect(mqttAnswers(env.endpoints.mqtt.publish, 1_000)).rejects.toThrow();
    expect(await mqttAnswers(env.endpoints.mqtt.direct)).toBe(true);
    await env.toxiproxy.setEnabled("mqtt-pub", true);
    expect(await mqttAnswers(env.endpoints.mqtt.publish)).toBe(true);
  });

  it("heal brings back stopped and paused services and clears toxics", async () => {
    await env.service("mosquitto").pause();
    await env.service("kafka").kill();
    await env.toxiproxy.addToxic("mqtt-pub", { name: "slow", type: "latency", stream: "downstream", attributes: { latency: 500 } });
    await env.heal();
    expect(env.service("mosquitto").state).toBe("running");
    expect(env.service("kafka").state).toBe("running");
    expect(await env.toxiproxy.listToxics("mqtt-pub")).toEqual([]);
    expect(await mqttAnswers(env.endpoints.mqtt.publish)).toBe(true);
  });
});

describe("native environment, 3 Kafka brokers", () => {
  it("starts a 3-node KRaft cluster, replicates with RF 3, and survives a broker kill", async () => {
    await using env = await testEnvironment({ kafka: { brokers: 3, minInsyncReplicas: 2 } });
    expect(env.kafkaServices).toEqual(["kafka-1", "kafka-2", "kafka-3"]);
    expect(env.proxiesOf("kafka-bridge")).toHaveLength(3);
    // A broker can be briefly fenced while three JVMs warm up on two cores: wait for all three.
    await expect.poll(() => liveBrokerCount(env.endpoints.kafka.direct), { timeout: 30_000, interval: 500 }).toBe(3);
    await createTopic(env.endpoints.kafka.direct, { topic: "replicated", partitions: 1, replicationFactor: 3, minInsyncReplicas: 2 });
    await produce(env.endpoints.kafka.bridge, "replicated", ["a"]);
    await env.service("kafka-2").kill();
    const survivors = [env.endpoints.kafka.direct[0]!, env.endpoints.kafka.direct[2]!];
    // The controller fences the killed broker after broker.session.timeout.ms; until then metadata still names it.
    await expect.poll(() => liveBrokerCount(survivors), { timeout: 30_000, interval: 500 }).toBe(2);
    await produce(survivors, "replicated", ["b"]);
    expect(await readAll(survivors, "replicated", 2)).toEqual(["a", "b"]);
  }, 180_000);
});
