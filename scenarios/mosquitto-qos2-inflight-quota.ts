import { defineScenario } from "../harness/scenario/define.js";

export default defineScenario({
  name: "mosquitto-qos2-inflight-quota",
  description:
    "Reproduces: QoS 2 messages lost after PUBCOMP by publishers that reconnect often. Each reset of the " +
    "publishers' link (500 ms every 2 s) makes MQTT.js resend its stored QoS 2 messages in one burst. Mosquitto " +
    "holds at most max_inflight_messages (default 20) incoming QoS 2 messages per client; beyond that it refuses " +
    "the message with PUBREC reason 0x97 'quota exceeded' and drops it. An MQTT 3.1.1 PUBREC has no reason code, " +
    "so the publisher sees a normal PUBREC, sends PUBREL, gets PUBCOMP and counts the message as delivered. " +
    "Learn: raise max_inflight_messages (0 = no limit) or publish with MQTT 5, where the refusal is visible. " +
    "Expected to fail.",
  workload: { publishers: 2, qos: [2], ratePerSecond: 400, duration: "16s", cleanSession: false, inflightWindow: 500 },
  faults: [{ at: "1s", every: "2s", for: "500ms", link: "mqtt-pub", toxic: "reset_peer", attributes: { timeout: 50 } }],
  // Debug logging puts the evidence in env/mosquitto/mosquitto.log: "Sending PUBREC to … (m123, rc151)".
  brokers: { mosquitto: { extraConfig: ["log_type debug"] } },
  expect: { qos2: { lostAcked: { max: 0 }, duplicates: { max: 0 } } },
});
