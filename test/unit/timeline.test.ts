import { describe, expect, it } from "vitest";
import { occurrences } from "../../harness/faults/timeline.js";
import { normaliseFault } from "../../harness/scenario/faults.js";
import { seededRandom } from "../../harness/random.js";

describe("fault occurrences", () => {
  it("repeats every period while the workload runs", () => {
    const fault = normaliseFault({ at: "2s", every: "4s", for: "1s", link: "mqtt-pub", toxic: "reset_peer" });
    expect(occurrences(fault, 16_000)).toEqual([2_000, 6_000, 10_000, 14_000]);
  });

  it("never starts a fault after the workload", () => {
    expect(occurrences(normaliseFault({ at: "20s", kill: "mosquitto" }), 10_000)).toEqual([]);
  });

  it("draws jitter from the seed: the same seed gives the same times, another seed others", () => {
    const fault = normaliseFault({ at: "1s", every: "5s", for: "1s", jitter: "3s", link: "kafka-bridge", toxic: "down" });
    const first = occurrences(fault, 30_000, seededRandom(7));
    expect(occurrences(fault, 30_000, seededRandom(7))).toEqual(first);
    expect(occurrences(fault, 30_000, seededRandom(8))).not.toEqual(first);
    first.forEach((at, index) => {
      // each start stays within its period, before the next one could begin
      expect(at).toBeGreaterThanOrEqual(1_000 + index * 5_000);
      expect(at).toBeLessThan(1_000 + index * 5_000 + 3_000);
    });
  });
});
