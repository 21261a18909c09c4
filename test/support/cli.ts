import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Starts `losslab ARGS` from the TypeScript sources (no build needed). The runtime is native unless a test
 * asks otherwise, so `auto` never picks containers behind a test's back on a machine that has the images.
 */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ["--import", "tsx", join(ROOT, "harness", "cli.ts"), ...args], {
    cwd: ROOT,
    env: { ...process.env, LOSSLAB_RUNTIME: "native", ...env },
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `losslab ARGS` to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 300_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, env);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGINT");
      reject(new Error(`losslab ${args.join(" ")} did not finish within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Processes whose command line contains `needle` (from /proc). */
export async function processesMatching(needle: string): Promise<string[]> {
  const { readdirSync, readFileSync } = await import("node:fs");
  const found: string[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
      if (cmdline.includes(needle)) found.push(`${entry} ${cmdline}`);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}
