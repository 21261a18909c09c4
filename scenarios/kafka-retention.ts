import { defineScenario } from "../harness/scenario/define.js";

export default defineScenario({
  name: "kafka-retention",
  description:
    "Reproduces: a topic with a tiny retention.ms (2 s). Kafka deletes records before the consumer reads them; " +
    "losslab counts them lost and warns that the log start offset moved past the run's first offset. " +
    "Learn: loss can happen after the write; check retention before blaming the bridge. Fails on purpose.",
  workload: { publishers: 2, qos: [1], ratePerSecond: 300, duration: "12s" },
  brokers: { kafka: { retentionMs: 2000 } },
  expect: {
    qos1: { lost: { max: 0 } },
  },
});
