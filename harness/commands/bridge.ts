/** `losslab bridge`: the reference bridge as its own process, configured by the LOSSLAB_* environment. */
import { bridgeConfigFromEnv } from "../bridge/config.js";
import { startBridge } from "../bridge/bridge.js";

export async function bridgeCommand(): Promise<number> {
  const config = bridgeConfigFromEnv();
  const bridge = await startBridge(config);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  await bridge.close();
  console.log(`bridge stopped: received ${bridge.stats.received}, produced ${bridge.stats.produced}, failed ${bridge.stats.failed}`);
  return 0;
}
