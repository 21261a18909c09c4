/**
 * `losslab setup`: installs and caches the native components, idempotently.
 *   - Mosquitto from Debian's packages (apt-get), when no `mosquitto` binary is found;
 *   - Apache Kafka's jars from Maven Central (kafka_2.13 runtime scope + the logging backend the broker needs),
 *     into $LOSSLAB_HOME/kafka/<version>/libs, fetched with Maven;
 *   - the Toxiproxy server, built with `go install` into $LOSSLAB_HOME/toxiproxy/<version>/.
 * A missing prerequisite (java, mvn, go, apt-get) raises PREREQUISITE_MISSING (exit code 2) with what to install.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LosslabError } from "../errors.js";
import { losslabHome } from "../paths.js";
import { exec, lastLines, which } from "./exec.js";
import { aptInstall } from "./apt.js";
import { kafkaMajor, kafkaVersion, TOXIPROXY_MODULE, TOXIPROXY_VERSION } from "./versions.js";

export interface ComponentPaths {
  mosquitto: string;
  java: string;
  kafkaLibs: string;
  kafkaVersion: string;
  toxiproxy: string;
}

export interface SetupOptions {
  kafkaVersion?: string;
  /** Called with one human line per step. */
  log?: (line: string) => void;
}

const MISSING_HINTS: Record<string, string> = {
  java: "install a Java runtime ≥ 17 (Debian: apt-get install openjdk-17-jre-headless)",
  mvn: "install Apache Maven (Debian: apt-get install maven); it fetches Kafka's jars from Maven Central",
  go: "install Go ≥ 1.22 (https://go.dev/doc/install or Debian: apt-get install golang); it builds the Toxiproxy server",
  mosquitto: "install Mosquitto (Debian: apt-get install mosquitto)",
};

function requireCommand(name: keyof typeof MISSING_HINTS): string {
  const found = which(name);
  if (!found) throw new LosslabError("PREREQUISITE_MISSING", `${name} not found: ${MISSING_HINTS[name]}`);
  return found;
}

export function kafkaHome(version: string): string {
  return join(losslabHome(), "kafka", version);
}

export function toxiproxyBinary(): string {
  return join(losslabHome(), "toxiproxy", TOXIPROXY_VERSION, "toxiproxy-server");
}

/** Mosquitto: the binary on PATH, or apt-get install it (as root). */
export async function ensureMosquitto(log: (line: string) => void = () => {}): Promise<string> {
  const found = which("mosquitto");
  if (found) return found;
  if (!which("apt-get") || process.getuid?.() !== 0) {
    throw new LosslabError("PREREQUISITE_MISSING", `mosquitto not found: ${MISSING_HINTS.mosquitto}`);
  }
  await aptInstall(["mosquitto"], log);
  const installed = which("mosquitto");
  if (!installed) throw new LosslabError("INSTALL_FAILED", "apt-get installed mosquitto but no mosquitto binary is on PATH");
  return installed;
}

function kafkaPom(version: string): string {
  // 3.x logs through reload4j; 4.x through Log4j2. Neither backend ships with kafka_2.13.
  const logging =
    kafkaMajor(version) >= 4
      ? `<dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>2.24.3</version></dependency>
         <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>2.24.3</version></dependency>`
      : `<dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>`;
  return `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>dev.losslab</groupId><artifactId>kafka-jars</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${version}</version></dependency>
    ${logging}
  </dependencies>
</project>
`;
}

/** Kafka's jars for a version, cached under $LOSSLAB_HOME/kafka/<version>/libs. */
export async function ensureKafka(requested?: string, log: (line: string) => void = () => {}): Promise<{ libs: string; version: string }> {
  const version = kafkaVersion(requested);
  const home = kafkaHome(version);
  const libs = join(home, "libs");
  if (existsSync(join(home, ".complete"))) return { libs, version };
  requireCommand("java");
  const mvn = requireCommand("mvn");
  log(`fetching Apache Kafka ${version} jars from Maven Central …`);
  const staging = `${home}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, "pom.xml"), kafkaPom(version));
  const result = await exec(
    mvn,
    ["-q", "-B", "dependency:copy-dependencies", "-DincludeScope=runtime", `-DoutputDirectory=${join(staging, "libs")}`],
    { cwd: staging, timeoutMs: 600_000 },
  );
  const jars = existsSync(join(staging, "libs")) ? readdirSync(join(staging, "libs")) : [];
  if (result.code !== 0 || !jars.some((jar) => jar.startsWith(`kafka_2.13-${version}`))) {
    rmSync(staging, { recursive: true, force: true });
    throw new LosslabError("INSTALL_FAILED", `could not fetch org.apache.kafka:kafka_2.13:${version} with Maven`, {
      details: lastLines(result.stdout + result.stderr),
    });
  }
  writeFileSync(join(staging, ".complete"), new Date().toISOString() + "\n");
  rmSync(home, { recursive: true, force: true });
  mkdirSync(join(home, ".."), { recursive: true });
  renameSync(staging, home);
  log(`kafka ${version}: ${jars.length} jars in ${libs}`);
  return { libs, version };
}

/** The Toxiproxy server binary, built once with `go install` into the cache. */
export async function ensureToxiproxy(log: (line: string) => void = () => {}): Promise<string> {
  const binary = toxiproxyBinary();
  if (existsSync(binary)) return binary;
  const go = requireCommand("go");
  log(`building toxiproxy ${TOXIPROXY_VERSION} with go install …`);
  const gobin = join(losslabHome(), "toxiproxy", `${TOXIPROXY_VERSION}.staging-${process.pid}`);
  mkdirSync(gobin, { recursive: true });
  const result = await exec(go, ["install", `${TOXIPROXY_MODULE}@${TOXIPROXY_VERSION}`], {
    env: { ...process.env, GOBIN: gobin, CGO_ENABLED: "0" },
    timeoutMs: 600_000,
  });
  if (result.code !== 0 || !existsSync(join(gobin, "server"))) {
    rmSync(gobin, { recursive: true, force: true });
    throw new LosslabError("INSTALL_FAILED", `go install ${TOXIPROXY_MODULE}@${TOXIPROXY_VERSION} failed`, {
      details: lastLines(result.stderr),
    });
  }
  mkdirSync(join(binary, ".."), { recursive: true });
  renameSync(join(gobin, "server"), binary);
  rmSync(gobin, { recursive: true, force: true });
  return binary;
}

export async function ensureJava(): Promise<string> {
  const java = requireCommand("java");
  const result = await exec(java, ["-version"]);
  const match = /version "(\d+)/.exec(result.stderr);
  const major = match ? Number(match[1]) : 0;
  if (major > 0 && major < 11) {
    throw new LosslabError("PREREQUISITE_MISSING", `java ${major} is too old: ${MISSING_HINTS.java}`);
  }
  return java;
}

/** Everything the native runtime needs; each step is skipped when already cached. */
export async function setup(options: SetupOptions = {}): Promise<ComponentPaths> {
  const log = options.log ?? (() => {});
  // Every missing prerequisite is reported before any install starts, so a failure leaves nothing half-done.
  if (!existsSync(join(kafkaHome(kafkaVersion(options.kafkaVersion)), ".complete"))) requireCommand("mvn");
  if (!existsSync(toxiproxyBinary())) requireCommand("go");
  const java = await ensureJava();
  const [mosquitto, kafka, toxiproxy] = await Promise.all([
    ensureMosquitto(log),
    ensureKafka(options.kafkaVersion, log),
    ensureToxiproxy(log),
  ]);
  return { mosquitto, java, kafkaLibs: kafka.libs, kafkaVersion: kafka.version, toxiproxy };
}
