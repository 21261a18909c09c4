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

export async function dockerEngineReachable(): Promise<{ ok: boolean; detail: string }> {
  const docker = which("docker");
  if (!docker) return { ok: false, detail: "docker CLI not found" };
  const result = await exec(docker, ["version", "--format", "{{.Server.Version}}"], { timeoutMs: 5_000 }).catch(() => undefined);
  if (result?.code === 0 && result.stdout.trim()) return { ok: true, detail: `engine ${result.stdout.trim()}` };
  return { ok: false, detail: "no Docker engine answers (dockerd not running?)" };
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
    dockerEngineReachable(),
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
    { name: "docker", ok: docker.ok, detail: docker.detail, hint: "optional: apt-get install docker.io and start dockerd (containers runtime)" },
    { name: "cache", ok: true, detail: home },
  ];
}
