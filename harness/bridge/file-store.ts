/**
 * A durable MQTT.js packet store for the bridge's incoming QoS 2 messages.
 *
 * MQTT.js keeps an incoming QoS 2 PUBLISH in its store from PUBREC until the broker's PUBREL, and only then hands
 * it to handleMessage. With the default in-memory store, a bridge killed in between loses the message: after the
 * restart the broker (persistent session) sends only PUBREL, the new process finds nothing, answers PUBCOMP, and the
 * message is gone although the publisher was acknowledged — measured as 1 lost QoS 2 message in a
 * bridge-crash-persistent-session run. This store writes each packet to a file (fsync'd) before MQTT.js sends
 * PUBREC, so a restarted bridge with the same client id and folder finds it.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { IStore, PacketCallback } from "mqtt";
import type { Packet } from "mqtt-packet";

interface StoredPacket {
  packet: Record<string, unknown>;
  payload: string | null;
}

export class FilePacketStore implements IStore {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private file(messageId: number | undefined): string {
    return join(this.dir, `${messageId ?? "none"}.json`);
  }

  put(packet: Packet, cb: (error?: Error) => void): this {
    try {
      const { payload, ...rest } = packet as Packet & { payload?: Buffer | string };
      const stored: StoredPacket = {
        packet: rest as Record<string, unknown>,
        payload: payload === undefined ? null : Buffer.from(payload).toString("base64"),
      };
      const target = this.file((packet as { messageId?: number }).messageId);
      const temporary = `${target}.tmp`;
      const fd = openSync(temporary, "w");
      try {
        writeSync(fd, JSON.stringify(stored));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, target);
      cb();
    } catch (error) {
      cb(error as Error);
    }
    return this;
  }

  private read(file: string): Packet {
    const stored = JSON.parse(readFileSync(file, "utf8")) as StoredPacket;
    return { ...stored.packet, payload: stored.payload === null ? undefined : Buffer.from(stored.payload, "base64") } as unknown as Packet;
  }

  get(packet: Pick<Packet, "messageId">, cb: PacketCallback): this {
    try {
      cb(undefined, this.read(this.file(packet.messageId)));
    } catch {
      cb(new Error("missing packet"));
    }
    return this;
  }

  del(packet: Pick<Packet, "messageId">, cb: PacketCallback): this {
    const file = this.file(packet.messageId);
    let found: Packet | undefined;
    try {
      found = this.read(file);
    } catch {
      // already gone
    }
    rmSync(file, { force: true });
    if (found) cb(undefined, found);
    else cb(new Error("missing packet"));
    return this;
  }

  createStream(): Readable & import("readable-stream").Readable {
    const packets = readdirSync(this.dir)
      .filter((name) => name.endsWith(".json"))
      .map((name) => this.read(join(this.dir, name)));
    return Readable.from(packets) as unknown as Readable & import("readable-stream").Readable;
  }

  close(cb: (error?: Error) => void): void {
    cb();
  }
}
