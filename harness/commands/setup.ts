import { setup } from "../setup/install.js";
import { doctor } from "../doctor.js";

export async function setupCommand(options: { kafkaVersion?: string }): Promise<number> {
  const paths = await setup({ kafkaVersion: options.kafkaVersion, log: (line) => console.log(line) });
  console.log(`mosquitto  ${paths.mosquitto}`);
  console.log(`java       ${paths.java}`);
  console.log(`kafka      ${paths.kafkaVersion}  ${paths.kafkaLibs}`);
  console.log(`toxiproxy  ${paths.toxiproxy}`);
  return 0;
}

export async function doctorCommand(options: { json?: boolean }): Promise<number> {
  const checks = await doctor();
  if (options.json) {
    console.log(JSON.stringify(checks, null, 2));
  } else {
    for (const check of checks) {
      const mark = check.ok ? "✓" : "✗";
      console.log(`${mark} ${check.name.padEnd(10)} ${check.detail}${check.ok || !check.hint ? "" : `  → ${check.hint}`}`);
    }
  }
  const required = checks.filter((check) => check.name !== "containers");
  return required.every((check) => check.ok) ? 0 : 1;
}

export async function imagesCommand(options: { build?: boolean; kafkaVersion?: string }): Promise<number> {
  const { buildLocalImages, missingImages, resolveImages, IMAGE_ENV, IMAGE_ROLES } = await import("../setup/images.js");
  const { ensureDockerEngine } = await import("../setup/docker.js");
  if (options.build) {
    await ensureDockerEngine((line) => console.log(line));
    const images = await buildLocalImages({ kafkaVersion: options.kafkaVersion, log: (line) => console.log(line) });
    for (const role of IMAGE_ROLES) console.log(`${role.padEnd(10)} ${images[role]}`);
    console.log("use them with LOSSLAB_IMAGES=local (or one by one with " + IMAGE_ROLES.map((role) => IMAGE_ENV[role]).join(", ") + ")");
    return 0;
  }
  const images = resolveImages({}, options.kafkaVersion);
  const missing = new Set(await missingImages(images));
  for (const role of IMAGE_ROLES) console.log(`${missing.has(images[role]) ? "✗" : "✓"} ${role.padEnd(10)} ${images[role]}  (${IMAGE_ENV[role]})`);
  return missing.size === 0 ? 0 : 1;
}
