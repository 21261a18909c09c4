/**
 * Process faults: kill (SIGKILL, or SIGTERM when asked), stop, pause, restart, on mosquitto, kafka (every broker),
 * kafka-N or the bridge. Each application returns its heal: start again or resume.
 */
import type { Environment, ServiceControl, ServiceName } from "../env/environment.js";
import type { ResolvedProcessFault } from "../scenario/faults.js";
import type { Heal } from "./network.js";

export function servicesOf(env: Environment, target: string): ServiceControl[] {
  if (target === "kafka" && env.kafkaServices.length > 1) return env.kafkaServices.map((name) => env.service(name));
  return [env.service(target as ServiceName)];
}

async function bringBack(service: ServiceControl): Promise<void> {
  if (service.state === "paused") await service.resume();
  else if (service.state === "stopped") await service.start();
}

export async function applyProcessFault(env: Environment, fault: ResolvedProcessFault): Promise<Heal> {
  const services = servicesOf(env, fault.target);
  const down = async (service: ServiceControl): Promise<void> => {
    if (fault.action === "pause") await service.pause();
    else if (fault.signal === "SIGKILL") await service.kill();
    else await service.stop();
  };
  await Promise.all(services.map(down));
  return async () => {
    await Promise.all(services.map(bringBack));
  };
}
