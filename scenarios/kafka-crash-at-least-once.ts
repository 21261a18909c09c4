import { defineScenario } from "../harness/scenario/define.js";

export default defineScenario({
  name: "kafka-crash-at-least-once",
  description:
    "The fixed variant of kafka-crash-at-most-once: the bridge acknowledges to Mosquitto only after Kafka " +
    "acknowledged (acks=all). Nothing acknowledged is lost; a write whose acknowledgement was lost in the crash " +
    "is written again, so QoS 1 and even QoS 2 may arrive twice in Kafka. Learn: at-least-once trades loss for " +
    "duplicates; deduplicate downstream. Expected to pass (duplicates allowed).",
  workload: { publishers: 2, qos: [1, 2], ratePerSecond: 300, duration: "12s" },
  bridge: { mode: "at-least-once" },
  faults: [{ at: "3s", kill: "kafka", signal: "SIGKILL", restartAfter: "3s" }],
  settle: { quietPeriod: "3s", maxWait: "90s" },
  expect: {
    qos1: { lostAcked: { max: 0 } },
    qos2: { lostAcked: { max: 0 } },
  },
});
