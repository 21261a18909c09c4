/**
 * Images of the containers runtime: which ones (official by default; each overridable by option or
 * environment variable), whether they are present, and `buildLocalImages` for machines without a registry:
 * a Debian rootfs made by debootstrap (Mosquitto + a JRE) imported with `docker import`, then small images
 * on top of it with Kafka's jars, the Toxiproxy binary and Node.js copied in. Every build is cached by tag.
 *
 * What an image must contain (the containers runtime starts every service with an explicit command):
 *   mosquitto  `mosquitto` on PATH (official: /usr/sbin/mosquitto)
 *   kafka      /bin/sh, `java` on PATH or in $JAVA_HOME/bin, Kafka's jars in /opt/kafka/libs (official: apache/kafka)
 *   toxiproxy  the server binary at /toxiproxy (official: ghcr.io/shopify/toxiproxy, a scratch image)
 *   bridge     `node` ≥ 20 on PATH; losslab itself is mounted read-only at /opt/losslab (reference bridge only)
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { LosslabError } from "../errors.js";
import { losslabHome } from "../paths.js";
import { aptInstall } from "./apt.js";
import { exec, lastLines, which } from "./exec.js";
import { ensureKafka, ensureToxiproxy } from "./install.js";
import { kafkaVersion as resolveKafkaVersion, TOXIPROXY_VERSION } from "./versions.js";

export const IMAGE_ROLES = ["mosquitto", "kafka", "toxiproxy", "bridge"] as const;
export type ImageRole = (typeof IMAGE_ROLES)[number];
export type ContainerImages = Record<ImageRole, string>;

/** `{version}` in the Kafka image is replaced by the scenario's Kafka version. */
export const OFFICIAL_IMAGES: ContainerImages = {
  mosquitto: "eclipse-mosquitto:2.0.22",
  kafka: "apache/kafka:{version}",
  toxiproxy: "ghcr.io/shopify/toxiproxy:2.12.0",
  bridge: "node:22-bookworm-slim",
};

export const IMAGE_ENV: Record<ImageRole, string> = {
  mosquitto: "LOSSLAB_MOSQUITTO_IMAGE",
  kafka: "LOSSLAB_KAFKA_IMAGE",
  toxiproxy: "LOSSLAB_TOXIPROXY_IMAGE",
  bridge: "LOSSLAB_BRIDGE_IMAGE",
};

const LOCAL_BASE = "losslab-local/base:bookworm-1";
const BASE_PACKAGES = ["mosquitto", "openjdk-17-jre-headless", "ca-certificates", "libstdc++6"];

/** Tags of the images `buildLocalImages` makes. */
export function localImageNames(): ContainerImages {
  return {
    mosquitto: "losslab-local/mosquitto:bookworm-1",
    kafka: "losslab-local/kafka:{version}",
    toxiproxy: `losslab-local/toxiproxy:${TOXIPROXY_VERSION.replace(/^v/, "")}`,
    bridge: `losslab-local/node:${process.version.replace(/^v/, "")}`,
  };
}

/**
 * The images of a run: option, else environment variable, else the defaults — the official images, or the
 * locally built ones when LOSSLAB_IMAGES=local.
 */
export function resolveImages(overrides: Partial<ContainerImages> = {}, kafkaVersion?: string): ContainerImages {
  const defaults = process.env.LOSSLAB_IMAGES === "local" ? localImageNames() : OFFICIAL_IMAGES;
  const version = resolveKafkaVersion(kafkaVersion);
  const images = {} as ContainerImages;
  for (const role of IMAGE_ROLES) {
    const chosen = overrides[role] ?? (process.env[IMAGE_ENV[role]] || undefined) ?? defaults[role];
    images[role] = chosen.replaceAll("{version}", version);
  }
  return images;
}

/** Parses one `--image kafka=my/kafka:3.9.1` into the overrides so far; undefined when it is not ROLE=IMAGE. */
export function parseImageOverride(value: string, previous: Partial<ContainerImages> = {}): Partial<ContainerImages> | undefined {
  const match = /^([a-z]+)=(\S+)$/.exec(value.trim());
  const role = match?.[1];
  if (!match || !role || !(IMAGE_ROLES as readonly string[]).includes(role)) return undefined;
  return { ...previous, [role]: match[2] };
}

async function dockerode(): Promise<import("dockerode")> {
  const { getContainerRuntimeClient } = await import("testcontainers");
  return (await getContainerRuntimeClient()).container.dockerode;
}

export async function imageExists(name: string): Promise<boolean> {
  try {
    await (await dockerode()).getImage(name).inspect();
    return true;
  } catch {
    return false;
  }
}

/** The images (of `images`) the engine does not have. No pull is attempted. */
export async function missingImages(images: ContainerImages, roles: readonly ImageRole[] = IMAGE_ROLES): Promise<string[]> {
  const missing: string[] = [];
  for (const role of roles) if (!(await imageExists(images[role]))) missing.push(images[role]);
  return missing;
}

function debianMirror(): string {
  const sources = ["/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"];
  for (const file of sources) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, "utf8");
    const uri = /^URIs:\s*(\S+debian)\s*$/m.exec(text)?.[1] ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+debian)\s+/m.exec(text)?.[1];
    if (uri) return uri;
  }
  return "http://deb.debian.org/debian";
}

function run(command: string, args: string[], options: { stdin?: NodeJS.ReadableStream; timeoutMs: number }): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], timeout: options.timeoutMs });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
    if (options.stdin) options.stdin.pipe(child.stdin);
    else child.stdin.end();
  });
}

/** The Debian rootfs image every local image starts from (debootstrap + docker import, ~40 s once). */
async function ensureBaseImage(log: (line: string) => void): Promise<void> {
  if (await imageExists(LOCAL_BASE)) return;
  if (process.getuid?.() !== 0) throw new LosslabError("PREREQUISITE_MISSING", "building local images needs root (debootstrap)");
  if (!which("debootstrap")) await aptInstall(["debootstrap"], log);
  const rootfs = join(losslabHome(), "images", `rootfs.staging-${process.pid}`);
  rmSync(rootfs, { recursive: true, force: true });
  mkdirSync(rootfs, { recursive: true });
  try {
    const mirror = debianMirror();
    log(`debootstrap bookworm (${BASE_PACKAGES.join(", ")}) from ${mirror} …`);
    const boot = await exec(
      which("debootstrap")!,
      ["--variant=minbase", `--include=${BASE_PACKAGES.join(",")}`, "bookworm", rootfs, mirror],
      { timeoutMs: 900_000 },
    );
    if (boot.code !== 0) {
      throw new LosslabError("INSTALL_FAILED", "debootstrap failed", { details: lastLines(boot.stdout + boot.stderr) });
    }
    // Keep the image small: package lists and caches are not needed at run time.
    for (const dir of ["var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/man"]) {
      rmSync(join(rootfs, dir), { recursive: true, force: true });
    }
    log(`docker import → ${LOCAL_BASE} …`);
    const tar = spawn("tar", ["-C", rootfs, "-c", "."], { stdio: ["ignore", "pipe", "inherit"] });
    const imported = await run(which("docker") ?? "docker", ["import", "-", LOCAL_BASE], { stdin: tar.stdout, timeoutMs: 600_000 });
    if (imported.code !== 0) {
      throw new LosslabError("INSTALL_FAILED", `docker import ${LOCAL_BASE} failed`, { details: lastLines(imported.output) });
    }
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
}

export interface LayeredImage {
  tag: string;
  /** A local image (default: the debootstrapped base). */
  from?: string;
  /** Host files or folders copied in (hard-linked into the build context when possible). */
  files: Array<{ source: string; target: string }>;
  entrypoint?: string[];
}

/** `FROM <local image>` + files (+ entrypoint), built by the engine with no registry involved; skipped when the tag exists. */
export async function buildLayeredImage(image: LayeredImage, log: (line: string) => void = () => {}): Promise<void> {
  const { tag, files } = image;
  if (await imageExists(tag)) return;
  const context = join(losslabHome(), "images", `context.staging-${process.pid}`);
  rmSync(context, { recursive: true, force: true });
  mkdirSync(context, { recursive: true });
  try {
    const lines = [`FROM ${image.from ?? LOCAL_BASE}`];
    files.forEach((file, index) => {
      const name = `f${index}`;
      copyTree(file.source, join(context, name));
      lines.push(`COPY ${name} ${file.target}`);
    });
    if (image.entrypoint) lines.push(`ENTRYPOINT ${JSON.stringify(image.entrypoint)}`);
    writeFileSync(join(context, "Dockerfile"), lines.join("\n") + "\n");
    log(`building ${tag} …`);
    const docker = await dockerode();
    const stream = await docker.buildImage({ context, src: readdirSync(context) }, { t: tag, rm: true, forcerm: true });
    const output = await new Promise<string>((resolve, reject) => {
      docker.modem.followProgress(stream, (error: Error | null, events: Array<{ stream?: string; error?: string }>) => {
        if (error) return reject(error);
        const failure = events.find((event) => event.error);
        if (failure) return reject(new Error(failure.error));
        resolve(events.map((event) => event.stream ?? "").join(""));
      });
    });
    if (!(await imageExists(tag))) {
      throw new LosslabError("INSTALL_FAILED", `building ${tag} produced no image`, { details: lastLines(output) });
    }
  } catch (error) {
    throw error instanceof LosslabError ? error : new LosslabError("INSTALL_FAILED", `building ${tag} failed`, { cause: error });
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/** Hard links where possible (same file system), copies otherwise. */
function copyTree(source: string, target: string): void {
  const entries = existsSync(source) && !source.endsWith("/") ? readdirSafe(source) : undefined;
  if (entries === undefined) {
    try {
      linkSync(source, target);
    } catch {
      copyFileSync(source, target);
    }
    return;
  }
  mkdirSync(target, { recursive: true });
  for (const entry of entries) copyTree(join(source, entry), join(target, entry));
}

function readdirSafe(path: string): string[] | undefined {
  try {
    return readdirSync(path);
  } catch {
    return undefined;
  }
}

export interface LocalImagesOptions {
  kafkaVersion?: string;
  log?: (line: string) => void;
}

/** Builds (or finds) every local image; returns their names for `resolveImages` overrides. */
export async function buildLocalImages(options: LocalImagesOptions = {}): Promise<ContainerImages> {
  const log = options.log ?? (() => {});
  const version = resolveKafkaVersion(options.kafkaVersion);
  const names = localImageNames();
  const images: ContainerImages = { ...names, kafka: names.kafka.replaceAll("{version}", version) };
  const started = Date.now();
  await ensureBaseImage(log);
  const [kafka, toxiproxy] = await Promise.all([ensureKafka(version, log), ensureToxiproxy(log)]);
  if (!(await imageExists(images.mosquitto))) {
    const [repo = images.mosquitto, tag = "latest"] = images.mosquitto.split(":");
    await (await dockerode()).getImage(LOCAL_BASE).tag({ repo, tag });
  }
  await buildLayeredImage({ tag: images.kafka, files: [{ source: kafka.libs, target: "/opt/kafka/libs" }] }, log);
  await buildLayeredImage({ tag: images.toxiproxy, files: [{ source: toxiproxy, target: "/toxiproxy" }] }, log);
  await buildLayeredImage({ tag: images.bridge, files: [{ source: process.execPath, target: "/usr/local/bin/node" }] }, log);
  log(`local images ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return images;
}
