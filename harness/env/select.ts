/**
 * Which runtime a run uses. `auto` (the default) picks containers when a Docker engine answers and every image
 * the run needs is already present (losslab never pulls on its own), native otherwise; the reason is reported.
 */
import { LosslabError } from "../errors.js";
import type { Environment, EnvironmentOptions, RuntimeName } from "./environment.js";

export const RUNTIME_CHOICES = ["auto", "native", "containers"] as const;
export type RuntimeChoice = (typeof RUNTIME_CHOICES)[number];

export interface RuntimeDecision {
  runtime: RuntimeName;
  /** Why: "requested", or what auto saw. */
  reason: string;
}

export function parseRuntimeChoice(value: string | undefined): RuntimeChoice {
  const choice = value ?? process.env.LOSSLAB_RUNTIME ?? "auto";
  if (!(RUNTIME_CHOICES as readonly string[]).includes(choice)) {
    throw new LosslabError("USAGE", `--runtime ${choice}: expected one of ${RUNTIME_CHOICES.join(", ")}`);
  }
  return choice as RuntimeChoice;
}

export async function chooseRuntime(
  choice: RuntimeChoice,
  needs: { kafkaVersion?: string | undefined; images?: EnvironmentOptions["images"]; bridgeImage?: string | null } = {},
): Promise<RuntimeDecision> {
  if (choice !== "auto") return { runtime: choice, reason: "requested" };
  if (needs.bridgeImage) return { runtime: "containers", reason: "the scenario's bridge is an image" };
  const { dockerEngineStatus } = await import("../setup/docker.js");
  const engine = await dockerEngineStatus(5_000);
  if (!engine.ok) return { runtime: "native", reason: engine.detail };
  const { missingImages, resolveImages } = await import("../setup/images.js");
  const missing = await missingImages(resolveImages(needs.images, needs.kafkaVersion));
  if (missing.length > 0) return { runtime: "native", reason: `Docker engine reachable, but images missing: ${missing.join(", ")}` };
  return { runtime: "containers", reason: `Docker ${engine.detail}, images present` };
}

export async function startEnvironment(runtime: RuntimeName, options: EnvironmentOptions): Promise<Environment> {
  if (runtime === "containers") {
    const { startContainersEnvironment } = await import("./containers/environment.js");
    return startContainersEnvironment(options);
  }
  const { startNativeEnvironment } = await import("./native/environment.js");
  return startNativeEnvironment(options);
}
