/** Which images the containers runtime uses: option, then environment variable, then the defaults. */
import { afterEach, describe, expect, it } from "vitest";
import { IMAGE_ENV, OFFICIAL_IMAGES, parseImageOverride, resolveImages } from "../../harness/setup/images.js";

const saved = { ...process.env };
afterEach(() => {
  for (const name of [...Object.values(IMAGE_ENV), "LOSSLAB_IMAGES", "LOSSLAB_KAFKA_VERSION"]) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe("resolveImages", () => {
  it("defaults to the official images, with the Kafka version filled in", () => {
    for (const name of [...Object.values(IMAGE_ENV), "LOSSLAB_IMAGES", "LOSSLAB_KAFKA_VERSION"]) delete process.env[name];
    expect(resolveImages()).toEqual({ ...OFFICIAL_IMAGES, kafka: "apache/kafka:3.9.1" });
    expect(resolveImages({}, "4.1.1").kafka).toBe("apache/kafka:4.1.1");
  });

  it("takes an environment variable over the default and an option over both", () => {
    delete process.env.LOSSLAB_IMAGES;
    process.env.LOSSLAB_KAFKA_IMAGE = "registry.local/kafka:{version}-patched";
    process.env.LOSSLAB_TOXIPROXY_IMAGE = "registry.local/toxiproxy:2";
    const images = resolveImages({ toxiproxy: "mine/toxiproxy:1" }, "3.9.1");
    expect(images.kafka).toBe("registry.local/kafka:3.9.1-patched");
    expect(images.toxiproxy).toBe("mine/toxiproxy:1");
    expect(images.mosquitto).toBe(OFFICIAL_IMAGES.mosquitto);
  });

  it("uses the locally built images as defaults with LOSSLAB_IMAGES=local", () => {
    for (const name of Object.values(IMAGE_ENV)) delete process.env[name];
    process.env.LOSSLAB_IMAGES = "local";
    expect(resolveImages({}, "3.9.1")).toEqual({
      mosquitto: "losslab-local/mosquitto:bookworm-1",
      kafka: "losslab-local/kafka:3.9.1",
      toxiproxy: "losslab-local/toxiproxy:2.12.0",
      bridge: `losslab-local/node:${process.version.slice(1)}`,
    });
  });
});

describe("--image ROLE=IMAGE", () => {
  it("accumulates overrides and refuses unknown roles", () => {
    const first = parseImageOverride("kafka=my/kafka:1");
    expect(first).toEqual({ kafka: "my/kafka:1" });
    expect(parseImageOverride("bridge=acme/bridge:2", first)).toEqual({ kafka: "my/kafka:1", bridge: "acme/bridge:2" });
    expect(parseImageOverride("zookeeper=x:1")).toBeUndefined();
    expect(parseImageOverride("kafka")).toBeUndefined();
  });
});
