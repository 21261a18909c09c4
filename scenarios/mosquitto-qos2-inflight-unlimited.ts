import { defineScenario } from "../harness/scenario/define.js";
import mosquittoQos2InflightQuota from "./mosquitto-qos2-inflight-quota.js";

/** The same workload, faults and expectations as mosquitto-qos2-inflight-quota; only the fix differs. */
export default defineScenario({
  ...mosquittoQos2InflightQuota,
  name: "mosquitto-qos2-inflight-unlimited",
  description:
    "The fixed variant of mosquitto-qos2-inflight-quota: max_inflight_messages 0 (no limit), so Mosquitto accepts " +
    "the burst of resent QoS 2 messages after each reconnect instead of refusing some of them unseen. Expected to pass.",
  brokers: { mosquitto: { maxInflightMessages: 0 } },
});
