import { defineScenario } from "../harness/scenario/define.js";

export default defineScenario({
  name: "unstable-network",
  description:
    "Reproduces: a flaky network between every hop. Latency with jitter on each link, plus short partitions " +
    "(link down for 1 s) of mqtt-bridge and kafka-bridge. With QoS 1/2, persistent sessions and an " +
    "at-least-once bridge, the messages are late, not lost: compare the latency percentiles with baseline. " +
    "Learn: latency and loss are different failures; a late message is not a lost one.",
  // The reference at-least-once bridge waits for Kafka before each PUBACK, so every ms of latency on
  // kafka-bridge divides its throughput: the rate stays low, and Mosquitto's queue is unbounded, so that
  // what is late stays late instead of being dropped (mosquitto-queue-overflow shows the other outcome).
  workload: { publishers: 2, qos: [1, 2], ratePerSecond: 60, duration: "16s", cleanSession: false },
  brokers: { mosquitto: { maxQueuedMessages: 0 } },
  settle: { quietPeriod: "8s", maxWait: "90s" },
  faults: [
    { at: "1s", for: "12s", link: "mqtt-pub", toxic: "latency", attributes: { latency: 40, jitter: 30 } },
    { at: "1s", for: "12s", link: "kafka-bridge", toxic: "latency", attributes: { latency: 5, jitter: 4 } },
    { at: "3s", every: "5s", for: "1s", link: "mqtt-bridge", toxic: "down" },
    { at: "5s", every: "5s", for: "1s", link: "kafka-bridge", toxic: "down" },
  ],
  expect: {
    qos1: { lostAcked: { max: 0 } },
    qos2: { lostAcked: { max: 0 } },
  },
});
