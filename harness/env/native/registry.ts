/**
 * The stale-run sweep. Every process losslab starts is recorded in $LOSSLAB_HOME/pids/<pid>.json with the pid of
 * the losslab process that owns it. When losslab starts an environment, records whose owner is gone are swept:
 * their process groups are killed (after checking the pid still runs the recorded command, pids get reused).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { losslabHome } from "../../paths.js";

interface ProcessRecord {
  pid: number;
  owner: number;
  name: string;
  command: string;
  startedAt: string;
}

function registryDir(): string {
  return join(losslabHome(), "pids");
}

export function rememberProcess(entry: { pid: number; name: string; command: string }): void {
  const dir = registryDir();
  mkdirSync(dir, { recursive: true });
  const record: ProcessRecord = { ...entry, owner: process.pid, startedAt: new Date().toISOString() };
  writeFileSync(join(dir, `${entry.pid}.json`), JSON.stringify(record));
}

export function forgetProcess(pid: number): void {
  rmSync(join(registryDir(), `${pid}.json`), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/**
 * Kills processes left behind by losslab runs whose owner died (kill -9 of losslab, a crashed test worker).
 * With `all`, also those of live owners (`losslab env down`). Returns what was killed.
 */
export function sweepStaleProcesses(options: { all?: boolean } = {}): string[] {
  const dir = registryDir();
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  const killed: string[] = [];
  for (const file of files) {
    if (!file.endsWith(".json")) continue;
    let record: ProcessRecord;
    try {
      record = JSON.parse(readFileSync(join(dir, file), "utf8")) as ProcessRecord;
    } catch {
      rmSync(join(dir, file), { force: true });
      continue;
    }
    if (record.owner === process.pid && !options.all) continue;
    if (!options.all && isAlive(record.owner)) continue;
    if (isAlive(record.pid) && commandLine(record.pid).includes(record.command)) {
      try {
        process.kill(-record.pid, "SIGKILL");
      } catch {
        try {
          process.kill(record.pid, "SIGKILL");
        } catch {
          // gone meanwhile
        }
      }
      killed.push(`${record.name} (pid ${record.pid})`);
    }
    rmSync(join(dir, file), { force: true });
  }
  return killed;
}
