import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Packet } from "mqtt-packet";
import { FilePacketStore } from "../../harness/bridge/file-store.js";

const publish = { cmd: "publish", topic: "t/1", qos: 2, messageId: 42, retain: false, dup: false, payload: Buffer.from([0, 255, 1]) } as unknown as Packet;

function call<T>(fn: (cb: (error?: Error, value?: T) => void) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value))));
}

describe("FilePacketStore", () => {
  it("gives a stored packet back to another store on the same folder (a restarted bridge)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "losslab-store-"));
    await call((cb) => new FilePacketStore(dir).put(publish, cb));
    const restarted = new FilePacketStore(dir);
    const found = (await call<Packet>((cb) => restarted.get({ messageId: 42 }, cb))) as Packet & { payload: Buffer; topic: string };
    expect(found.topic).toBe("t/1");
    expect([...found.payload]).toEqual([0, 255, 1]);
    const streamed: Packet[] = [];
    for await (const packet of restarted.createStream()) streamed.push(packet as Packet);
    expect(streamed).toHaveLength(1);
    await call((cb) => restarted.del({ messageId: 42 }, cb));
    await expect(call((cb) => restarted.get({ messageId: 42 }, cb))).rejects.toThrow("missing packet");
  });
});
