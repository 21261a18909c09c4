import { defineScenario } from "../harness/scenario/define.js";

export default defineScenario({
  name: "kafka-failover-acks-all",
  description:
    "Kafka leader failover done right: 3 brokers, replication factor 3, min.insync.replicas 2, producer acks=all. " +
    "kafka-1 (the leader of at least one of the 3 partitions) is killed and comes back 5 s later; a follower " +
    "that has every acknowledged record takes over. Learn: acks=all plus min.insync.replicas ≥ 2 survives a " +
    "broker crash; writes pause during the election, then resume. Expected to pass.",
  workload: { publishers: 2, qos: [1, 2], ratePerSecond: 200, duration: "14s", cleanSession: false },
  brokers: {
    mosquitto: { maxQueuedMessages: 0 },
    kafka: { brokers: 3, partitions: 3, replicationFactor: 3, minInsyncReplicas: 2, acks: -1 },
  },
  faults: [{ at: "4s", kill: "kafka-1", signal: "SIGKILL", restartAfter: "5s" }],
  settle: { quietPeriod: "4s", maxWait: "90s" },
  expect: {
    qos1: { lostAcked: { max: 0 } },
    qos2: { lostAcked: { max: 0 } },
  },
});
