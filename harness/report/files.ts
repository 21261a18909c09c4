/** Writing a run's results to its folder: result.json (contract) and anomalies.json (capped examples). */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunResult } from "../result.js";

export const RESULT_FILE = "result.json";
export const ANOMALIES_FILE = "anomalies.json";

export async function writeRunFiles(runDir: string, result: RunResult, anomalies: unknown): Promise<void> {
  await writeFile(join(runDir, RESULT_FILE), JSON.stringify(result, null, 2) + "\n");
  await writeFile(join(runDir, ANOMALIES_FILE), JSON.stringify(anomalies, null, 2) + "\n");
}
