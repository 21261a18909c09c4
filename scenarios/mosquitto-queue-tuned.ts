import { defineScenario } from "../harness/scenario/define.js";

export default defineScenario({
  name: "mosquitto-queue-tuned",
  description:
    "The fixed variant of mosquitto-queue-overflow: the same burst and slow bridge, with max_queued_messages 0 " +
    "(no limit). The backlog is delivered late instead of dropped. Expected to pass.",
  workload: { publishers: 2, qos: [1, 2], ratePerSecond: 1200, duration: "8s", inflightWindow: 1000 },
  brokers: { mosquitto: { maxQueuedMessages: 0 } },
  faults: [{ at: "1s", for: "5s", link: "kafka-bridge", toxic: "latency", attributes: { latency: 20 } }],
  settle: { quietPeriod: "3s", maxWait: "120s" },
  expect: {
    qos1: { lostAcked: { max: 0 } },
    qos2: { lostAcked: { max: 0 } },
  },
});
