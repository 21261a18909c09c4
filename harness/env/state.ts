/** The state file of `losslab env up`, so that `losslab env down` (another process) can find and stop it. */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { losslabHome } from "../paths.js";
import type { Endpoints } from "./environment.js";

export interface EnvState {
  pid: number;
  workDir: string;
  endpoints: Endpoints;
  startedAt: string;
}

function stateDir(): string {
  return join(losslabHome(), "env");
}

export function writeEnvState(state: EnvState): () => void {
  mkdirSync(stateDir(), { recursive: true });
  const file = join(stateDir(), `${state.pid}.json`);
  writeFileSync(file, JSON.stringify(state, null, 2));
  return () => rmSync(file, { force: true });
}

export function readEnvStates(): EnvState[] {
  let files: string[] = [];
  try {
    files = readdirSync(stateDir());
  } catch {
    return [];
  }
  const states: EnvState[] = [];
  for (const file of files) {
    try {
      states.push(JSON.parse(readFileSync(join(stateDir(), file), "utf8")) as EnvState);
    } catch {
      rmSync(join(stateDir(), file), { force: true });
    }
  }
  return states;
}

export function removeEnvState(pid: number): void {
  rmSync(join(stateDir(), `${pid}.json`), { force: true });
}
