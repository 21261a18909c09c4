/**
 * The reference MQTT → Kafka bridge. Subscribes (persistent session, stable client id) and produces each MQTT
 * payload, bytes unchanged, as a Kafka record keyed by the MQTT topic.
 *   at-least-once: the PUBACK / PUBCOMP is sent only after Kafka acknowledged the record (acks=all by default).
 *                  On a Kafka error the message is not acknowledged: the MQTT connection is dropped so that the
 *                  broker redelivers it on reconnect.
 *   at-most-once:  acknowledged on receipt, produced in the background in small batches; a Kafka error loses them.
 *   QoS 0 messages have no acknowledgement to hold back: in both modes they are batched like at-most-once.
 * MQTT.js hands incoming messages over one at a time (handleMessage), so at-least-once costs one Kafka round
 * trip per message; that is the honest price of acking after the write, and what `npm run bench` measures.
 */
import mqtt, { type IPublishPacket, type MqttClient } from "mqtt";
import { CompressionTypes, type Message, type Producer } from "kafkajs";
import { kafkaClient } from "../kafka/client.js";
import type { BridgeConfig } from "./config.js";
import { FilePacketStore } from "./file-store.js";
import { join } from "node:path";

export interface RunningBridge extends AsyncDisposable {
  readonly stats: { received: number; produced: number; failed: number };
  close(): Promise<void>;
}

export interface BridgeLogger {
  info(line: string): void;
  error(line: string): void;
}

const consoleLogger: BridgeLogger = {
  info: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
  error: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
};

function encodeValue(payload: Buffer, config: BridgeConfig): Buffer {
  // The serialization bug some bridges have: treating binary payloads as text.
  return config.encoding === "utf8-reencode" ? Buffer.from(payload.toString("utf8"), "utf8") : payload;
}

export async function startBridge(config: BridgeConfig, logger: BridgeLogger = consoleLogger): Promise<RunningBridge> {
  const stats = { received: 0, produced: 0, failed: 0 };
  const kafka = kafkaClient(config.kafkaBrokers, `${config.clientId}-producer`, {
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 },
  });
  // losslab creates a run's topic before the bridge starts, and its brokers refuse auto-creation; a broker that
  // allows it (docker-compose.test.yml) creates the topic on the bridge's first write.
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: true, maxInFlightRequests: 1, idempotent: false });
  await producer.connect();

  const send = (messages: Message[]): Promise<unknown> =>
    producer.send({ topic: config.kafkaTopic, messages, acks: config.acks, timeout: 10_000, compression: CompressionTypes.None });

  let pending: Message[] = [];
  let flushTimer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const flush = (): void => {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    inFlight = inFlight.then(() =>
      send(batch).then(
        () => void (stats.produced += batch.length),
        (error: Error) => {
          stats.failed += batch.length;
          logger.error(`kafka send failed, ${batch.length} records dropped (acknowledged on receipt): ${error.message}`);
        },
      ),
    );
  };

  const client: MqttClient = mqtt.connect(config.mqttUrl, {
    clientId: config.clientId,
    clean: config.cleanSession,
    protocolVersion: config.mqttVersion,
    properties: config.mqttVersion === 5 && !config.cleanSession ? { sessionExpiryInterval: 3_600 } : undefined,
    reconnectPeriod: 500,
    connectTimeout: 5_000,
    keepalive: 30,
    resubscribe: false,
    ...(config.stateDir && !config.cleanSession ? { incomingStore: new FilePacketStore(join(config.stateDir, "incoming")) } : {}),
  });

  client.handleMessage = (packet: IPublishPacket, done: (error?: Error) => void): void => {
    stats.received++;
    const message: Message = { key: packet.topic, value: encodeValue(packet.payload as Buffer, config) };
    // QoS 0 has no acknowledgement to hold back, and at-most-once acks on receipt: both are batched.
    if (config.mode === "at-most-once" || packet.qos === 0) {
      pending.push(message);
      if (pending.length >= config.batchSize) flush();
      else flushTimer ??= setTimeout(flush, config.lingerMs);
      done();
      return;
    }
    send([message]).then(
      () => {
        stats.produced++;
        done();
      },
      (error: Error) => {
        stats.failed++;
        logger.error(`kafka send failed, not acknowledging; dropping the MQTT connection for a redelivery: ${error.message}`);
        // Never call done(): no PUBACK. Destroying the stream (not end(), which clears the incoming store) makes
        // the broker redeliver the message on the next connection of this persistent session.
        client.stream?.destroy();
      },
    );
  };

  let announced = false;
  client.on("connect", (connack) => {
    client.subscribe(config.mqttTopic, { qos: 2 }, (error) => {
      if (error) {
        logger.error(`subscribe ${config.mqttTopic} failed: ${error.message}`);
        return;
      }
      logger.info(`subscribed to ${config.mqttTopic} (session present: ${connack.sessionPresent})`);
      if (!announced) {
        announced = true;
        logger.info(`losslab-bridge ready mode=${config.mode} acks=${config.acks} topic=${config.kafkaTopic}`);
      }
    });
  });
  client.on("error", (error) => logger.error(`mqtt: ${error.message}`));
  client.on("offline", () => logger.info("mqtt offline, reconnecting"));

  const close = async (): Promise<void> => {
    flush();
    await inFlight;
    await client.endAsync(true).catch(() => {});
    await producer.disconnect().catch(() => {});
  };
  return { stats, close, [Symbol.asyncDispose]: close };
}
