import { defineScenario } from "../harness/scenario/define.js";
import qos0ConnectionResets from "./qos0-connection-resets.js";

/** qos0-connection-resets with clean publisher sessions: the QoS 2 corner case it uncovered. */
export default defineScenario({
  ...qos0ConnectionResets,
  name: "qos2-clean-session-resets",
  description:
    "Reproduces: QoS 2 publishers with clean sessions on a link that resets connections. When a reset cuts " +
    "the exchange after PUBREC, the client resends PUBREL on its new, clean session; the broker has discarded " +
    "the message with the old session but still answers PUBCOMP, so the publisher counts as delivered a " +
    "message nobody will ever see. Learn: QoS 2 guarantees hold only within a persistent session. Fails on purpose.",
  workload: { ...qos0ConnectionResets.workload, qos: [2], cleanSession: true },
  expect: { qos2: { lostAcked: { max: 0 } } },
});
