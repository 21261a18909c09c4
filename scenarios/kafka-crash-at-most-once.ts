import { defineScenario } from "../harness/scenario/define.js";

export default defineScenario({
  name: "kafka-crash-at-most-once",
  description:
    "Reproduces: a bridge that acknowledges MQTT messages on receipt. The single Kafka broker is killed and " +
    "restarted 6 s later; everything the bridge received while Kafka was down was acknowledged to Mosquitto " +
    "and then failed to reach Kafka. Learn: acknowledge upstream only after the downstream write " +
    "(see kafka-crash-at-least-once). Fails on purpose.",
  workload: { publishers: 2, qos: [1, 2], ratePerSecond: 300, duration: "12s" },
  bridge: { mode: "at-most-once" },
  // Mosquitto may queue the whole outage for the bridge: the loss measured here is the bridge's alone.
  // (With the default limit of 1000 even the at-least-once bridge loses what overflows the queue.)
  brokers: { mosquitto: { maxQueuedMessages: 0 } },
  faults: [{ at: "3s", kill: "kafka", signal: "SIGKILL", restartAfter: "6s" }],
  settle: { quietPeriod: "3s", maxWait: "90s" },
  expect: {
    qos1: { lostAcked: { max: 0 } },
    qos2: { lostAcked: { max: 0 } },
  },
});
