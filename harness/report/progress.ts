/**
 * Live progress. On a TTY one status line redrawn in place; otherwise (CI logs) a plain line every few seconds.
 */
import type { RunProgress } from "../run.js";

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(0)}s`;
}

export function formatProgress(progress: RunProgress): string {
  const parts = [`[${progress.phase}]`];
  const workload = progress.workload;
  if (workload) {
    parts.push(`${seconds(workload.elapsedMs)}/${seconds(progress.plannedMs)}`);
    parts.push(`sent ${workload.sent}`, `acked ${workload.acked}`);
    if (progress.delivered !== undefined) parts.push(`in kafka ${progress.delivered}`);
    parts.push(`inflight ${workload.inflight}`);
    if (workload.failed > 0) parts.push(`failed ${workload.failed}`);
    if (workload.backpressured > 0) parts.push(`back-pressured ${workload.backpressured}`);
  }
  if (progress.activeFaults.length > 0) parts.push(`faults: ${progress.activeFaults.join(", ")}`);
  return parts.join("  ");
}

export function progressPrinter(stream: NodeJS.WriteStream = process.stderr, plainEveryMs = 5_000): {
  update: (progress: RunProgress) => void;
  done: () => void;
} {
  const tty = stream.isTTY === true;
  let lastPlain = 0;
  let lastPhase = "";
  return {
    update(progress) {
      const line = formatProgress(progress);
      if (tty) {
        stream.write(`\r\x1b[2K${line}`);
        return;
      }
      const now = Date.now();
      if (progress.phase !== lastPhase || now - lastPlain >= plainEveryMs) {
        stream.write(line + "\n");
        lastPlain = now;
        lastPhase = progress.phase;
      }
    },
    done() {
      if (tty) stream.write("\r\x1b[2K");
    },
  };
}
