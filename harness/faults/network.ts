/**
 * Network faults through Toxiproxy, per contract link. "down" disables the link's proxies (a partition);
 * every other kind adds a toxic, on one stream or both. Each application returns its own heal.
 */
import type { Environment, LinkName } from "../env/environment.js";
import type { ToxicSpec, ToxicStream, ToxicType } from "../env/toxiproxy.js";
import type { ResolvedNetworkFault } from "../scenario/faults.js";

/** Attributes Toxiproxy needs when the scenario gives none. */
const DEFAULT_ATTRIBUTES: Record<ToxicType, Record<string, number>> = {
  latency: { latency: 1_000, jitter: 0 },
  bandwidth: { rate: 1 },
  slow_close: { delay: 1_000 },
  timeout: { timeout: 0 },
  reset_peer: { timeout: 0 },
  slicer: { average_size: 16, size_variation: 8, delay: 1_000 },
  limit_data: { bytes: 1_024 },
};

export type Heal = () => Promise<void>;

let toxicCounter = 0;

export async function applyNetworkFault(env: Environment, fault: ResolvedNetworkFault): Promise<Heal> {
  const proxies = env.proxiesOf(fault.link as LinkName);
  if (fault.toxic === "down") {
    await Promise.all(proxies.map((proxy) => env.toxiproxy.setEnabled(proxy, false)));
    return async () => {
      await Promise.all(proxies.map((proxy) => env.toxiproxy.setEnabled(proxy, true)));
    };
  }
  const type = fault.toxic as ToxicType;
  const streams: ToxicStream[] = fault.stream === "both" ? ["upstream", "downstream"] : [fault.stream];
  const added: { proxy: string; name: string }[] = [];
  const id = ++toxicCounter;
  try {
    for (const proxy of proxies) {
      for (const stream of streams) {
        const toxic: ToxicSpec = {
          name: `losslab-${type}-${id}-${stream}`,
          type,
          stream,
          toxicity: fault.toxicity,
          attributes: { ...DEFAULT_ATTRIBUTES[type], ...fault.attributes },
        };
        await env.toxiproxy.addToxic(proxy, toxic);
        added.push({ proxy, name: toxic.name });
      }
    }
  } catch (error) {
    await Promise.allSettled(added.map(({ proxy, name }) => env.toxiproxy.removeToxic(proxy, name)));
    throw error;
  }
  return async () => {
    await Promise.allSettled(added.map(({ proxy, name }) => env.toxiproxy.removeToxic(proxy, name)));
  };
}
