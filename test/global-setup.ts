/**
 * Installs the native components once before the suite (idempotent, cached), and after it fails the run if any
 * broker or proxy process is left behind.
 */
import { execFileSync } from "node:child_process";
import { setup } from "../harness/setup/install.js";

const LEFTOVER_PATTERN = "kafka\\.Kafka|toxiproxy-server|mosquitto -c .*losslab";

function leftovers(): string[] {
  try {
    return execFileSync("pgrep", ["-af", LEFTOVER_PATTERN], { encoding: "utf8" })
      .trim()
      .split("\n")
      .filter((line) => line && !line.includes("pgrep"));
  } catch {
    return [];
  }
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!process.env.LOSSLAB_SKIP_SETUP) await setup({ log: (line) => console.log(`[setup] ${line}`) });
  const before = new Set(leftovers());
  return async () => {
    const left = leftovers().filter((line) => !before.has(line));
    if (left.length > 0) {
      for (const line of left) {
        const pid = Number(line.split(" ")[0]);
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone
        }
      }
      throw new Error(`processes left behind by the test suite (now killed):\n${left.join("\n")}`);
    }
  };
}
