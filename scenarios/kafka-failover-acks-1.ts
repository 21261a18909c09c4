import { defineScenario } from "../harness/scenario/define.js";
import kafkaFailoverAcksAll from "./kafka-failover-acks-all.js";

/** kafka-failover-acks-all with acks=1: only the leader must have a record before it is acknowledged. */
export default defineScenario({
  ...kafkaFailoverAcksAll,
  name: "kafka-failover-acks-1",
  description:
    "Reproduces: producer acks=1 on a replicated topic. The leader acknowledges a record as soon as it has it; " +
    "if it is killed before the followers fetched it, the new leader never had it and the old one truncates it " +
    "when it rejoins. The window is small (the followers fetch continuously), so the loss is rare and small, " +
    "or none in a given run. Learn: replication protects only what acks=all waited for.",
  brokers: { ...kafkaFailoverAcksAll.brokers, kafka: { ...kafkaFailoverAcksAll.brokers!.kafka!, acks: 1 } },
});
