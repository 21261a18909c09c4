/** How to start the reference bridge as its own process, from the built CLI or (in development) the sources. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../paths.js";

export function referenceBridgeCommand(): string[] {
  const root = packageRoot();
  const runningFromSources = import.meta.url.endsWith(".ts");
  const built = join(root, "dist", "harness", "cli.js");
  if (!runningFromSources && existsSync(built)) return [process.execPath, built, "bridge"];
  // Absolute loader URL, so the child does not depend on its working directory to find tsx.
  return [process.execPath, "--import", import.meta.resolve("tsx"), join(root, "harness", "cli.ts"), "bridge"];
}

/** The line the reference bridge prints once subscribed and connected to Kafka. */
export const REFERENCE_BRIDGE_READY = /losslab-bridge ready/;
