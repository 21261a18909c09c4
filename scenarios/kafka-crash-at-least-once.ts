import { defineScenario } from "../harness/scenario/define.js";
import kafkaCrashAtMostOnce from "./kafka-crash-at-most-once.js";

/** The same workload, faults and expectations as kafka-crash-at-most-once; only the fix differs. */
export default defineScenario({
  ...kafkaCrashAtMostOnce,
  name: "kafka-crash-at-least-once",
  description:
    "The fixed variant of kafka-crash-at-most-once: the bridge acknowledges to Mosquitto only after Kafka " +
    "acknowledged (acks=all). Nothing acknowledged is lost; a write whose acknowledgement was lost in the crash " +
    "is written again, so QoS 1 and even QoS 2 may arrive twice in Kafka. Learn: at-least-once trades loss for " +
    "duplicates; deduplicate downstream. Expected to pass (duplicates allowed).",
  bridge: { mode: "at-least-once" },
});
