/** `losslab doctor`: what is installed, which versions, and whether a Docker engine is reachable. */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { exec, which } from "./setup/exec.js";
import { losslabHome } from "./paths.js";
import { toxiproxyBinary } from "./setup/install.js";
import { DEFAULT_KAFKA_VERSION, TOXIPROXY_VERSION } from "./setup/versions.js";

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do when not ok. */
  hint?: string;
}

async function versionOf(command: string, args: string[], pattern: RegExp): Promise<string | undefined> {
  const path = which(command);
  if (!path) return undefined;
  const result = await exec(path, args, { timeoutMs: 10_000 }).catch(() => undefined);
  if (!result) return undefined;
  // Maven colours its banner even when not on a terminal: strip ANSI escapes before matching.
  const text = (result.stdout + result.stderr).replace(/\u001b\[[0-9;]*m/g, "");
  return pattern.exec(text)?.[1] ?? "present";
}

/** Whether `--runtime containers` can run here: an engine answers and it has every image (losslab never pulls). */
async function containersCheck(): Promise<DoctorCheck> {
  const { dockerEngineStatus } = await import("./setup/docker.js");
  const engine = await dockerEngineStatus(5_000);
  const hint = "optional: start Docker (Debian: apt-get install docker.io; dockerd), then `docker pull` the images or `losslab images --build` and LOSSLAB_IMAGES=local";
  if (!engine.ok) return { name: "containers", ok: false, detail: `not usable: ${engine.detail}`, hint };
  const { missingImages, resolveImages } = await import("./setup/images.js");
  const images = resolveImages();
  const missing = await missingImages(images);
  if (missing.length > 0) return { name: "containers", ok: false, detail: `${engine.detail}; images missing: ${missing.join(", ")}`, hint };
  return { name: "containers", ok: true, detail: `usable: ${engine.detail}; images ${Object.values(images).join(", ")}` };
}

export async function doctor(): Promise<DoctorCheck[]> {
  const home = losslabHome();
  const kafkaDir = join(home, "kafka");
  const kafkaVersions = existsSync(kafkaDir)
    ? readdirSync(kafkaDir).filter((version) => existsSync(join(kafkaDir, version, ".complete")))
    : [];
  const [java, mvn, go, mosquitto, docker] = await Promise.all([
    versionOf("java", ["-version"], /version "([^"]+)"/),
    versionOf("mvn", ["-v"], /Apache Maven (\S+)/),
    versionOf("go", ["version"], /go version go(\S+)/),
    versionOf("mosquitto", ["-h"], /version (\S+)/),
    containersCheck(),
  ]);
  return [
    { name: "node", ok: true, detail: process.version },
    { name: "java", ok: !!java, detail: java ?? "not found", hint: "apt-get install openjdk-17-jre-headless" },
    { name: "mvn", ok: !!mvn, detail: mvn ?? "not found", hint: "apt-get install maven" },
    { name: "go", ok: !!go, detail: go ?? "not found", hint: "install Go ≥ 1.22" },
    { name: "mosquitto", ok: !!mosquitto, detail: mosquitto ?? "not found", hint: "losslab setup (apt-get install mosquitto)" },
    {
      name: "kafka",
      ok: kafkaVersions.length > 0,
      detail: kafkaVersions.length > 0 ? `cached: ${kafkaVersions.join(", ")} (default ${DEFAULT_KAFKA_VERSION})` : "no jars cached",
      hint: "losslab setup",
    },
    {
      name: "toxiproxy",
      ok: existsSync(toxiproxyBinary()),
      detail: existsSync(toxiproxyBinary()) ? `${TOXIPROXY_VERSION} at ${toxiproxyBinary()}` : "not built",
      hint: "losslab setup",
    },
    docker,
    { name: "cache", ok: true, detail: home },
  ];
}
