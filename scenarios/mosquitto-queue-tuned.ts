import { defineScenario } from "../harness/scenario/define.js";
import mosquittoQueueOverflow from "./mosquitto-queue-overflow.js";

/** The same workload, faults and expectations as mosquitto-queue-overflow; only the fix differs. */
export default defineScenario({
  ...mosquittoQueueOverflow,
  name: "mosquitto-queue-tuned",
  description:
    "The fixed variant of mosquitto-queue-overflow: the same burst and slow bridge, with max_queued_messages 0 " +
    "(no limit). The backlog is delivered late instead of dropped. Expected to pass.",
  brokers: { mosquitto: { maxQueuedMessages: 0 } },
});
