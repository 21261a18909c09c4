import { describe, expect, it } from "vitest";
import { formatProgress, progressPrinter } from "../../harness/report/progress.js";

const publishing = {
  phase: "publish" as const,
  plannedMs: 10_000,
  activeFaults: ["reset_peer mqtt-pub"],
  delivered: 1_180,
  workload: { elapsedMs: 4_000, sent: 1_200, acked: 790, failed: 0, backpressured: 0, inflight: 12 },
};

describe("live progress", () => {
  it("shows phase, elapsed / planned, sent / acked / in kafka, and active faults", () => {
    expect(formatProgress(publishing)).toBe("[publish]  4s/10s  sent 1200  acked 790  in kafka 1180  inflight 12  faults: reset_peer mqtt-pub");
  });

  it("prints plain lines on a non-TTY stream: on each phase change and at most every period", () => {
    const lines: string[] = [];
    const stream = { isTTY: false, write: (text: string) => lines.push(text) } as unknown as NodeJS.WriteStream;
    const printer = progressPrinter(stream, 60_000);
    printer.update({ phase: "provision", plannedMs: 10_000, activeFaults: [] });
    printer.update(publishing);
    printer.update(publishing);
    printer.update({ phase: "settle", plannedMs: 10_000, activeFaults: [] });
    printer.done();
    expect(lines.map((line) => line.trim().split(" ")[0])).toEqual(["[provision]", "[publish]", "[settle]"]);
    expect(lines.every((line) => line.endsWith("\n") && !line.includes("\r"))).toBe(true);
  });

  it("redraws one line in place on a TTY", () => {
    const writes: string[] = [];
    const stream = { isTTY: true, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream;
    const printer = progressPrinter(stream);
    printer.update(publishing);
    printer.update(publishing);
    expect(writes.every((text) => text.startsWith("\r"))).toBe(true);
  });
});
