import { defineScenario } from "../harness/scenario/define.js";

export default defineScenario({
  name: "mosquitto-queue-overflow",
  description:
    "Reproduces: Mosquitto's default max_queued_messages (1000 per client). A burst arrives while the bridge " +
    "is slowed down (latency on kafka-bridge); Mosquitto acknowledged every QoS 1/2 message to the publishers, " +
    "then drops what does not fit in the bridge's queue ('Outgoing messages are being dropped'). " +
    "Learn: raise max_queued_messages (see mosquitto-queue-tuned). Fails on purpose.",
  workload: { publishers: 2, qos: [1, 2], ratePerSecond: 1200, duration: "8s", inflightWindow: 1000 },
  brokers: { mosquitto: { maxQueuedMessages: 1000 } },
  faults: [{ at: "1s", for: "5s", link: "kafka-bridge", toxic: "latency", attributes: { latency: 20 } }],
  settle: { quietPeriod: "3s", maxWait: "120s" },
  expect: {
    qos1: { lostAcked: { max: 0 } },
    qos2: { lostAcked: { max: 0 } },
  },
});
