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
  const required = checks.filter((check) => check.name !== "docker");
  return required.every((check) => check.ok) ? 0 : 1;
}
