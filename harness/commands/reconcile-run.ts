/**
 * `losslab reconcile <run dir>`: rebuilds the ledger from the run folder (also after a crashed run) and
 * reconciles it against the Kafka topic again, while the Kafka data is still there.
 */
import { Ledger } from "../ledger/index.js";
import { Reconciler, type ReconcileOutput } from "../reconcile/index.js";
import { readUntilQuiet } from "../kafka/reader.js";
import { LosslabError } from "../errors.js";

interface EnvironmentNote {
  endpoints: { kafka: { direct: string[] } };
  kafkaTopic: string;
}

export async function reconcileRunDir(runDir: string, options: { brokers?: string[] } = {}): Promise<ReconcileOutput> {
  const snapshot = await Ledger.load(runDir);
  const note = snapshot.notes.find((entry) => entry.kind === "environment")?.data as EnvironmentNote | undefined;
  if (!note) throw new LosslabError("LEDGER_IO", `${runDir}: the ledger has no environment note (Kafka topic and brokers unknown)`);
  const brokers = options.brokers ?? note.endpoints.kafka.direct;
  const startOffsets = snapshot.startOffsets[note.kafkaTopic] ?? {};
  const reconciler = new Reconciler({ ledger: snapshot });
  await readUntilQuiet({
    brokers,
    topic: note.kafkaTopic,
    startOffsets: Object.fromEntries(Object.entries(startOffsets).map(([partition, offset]) => [Number(partition), offset])),
    quietPeriodMs: 2_000,
    maxWaitMs: 60_000,
    onRecord: (record) => reconciler.observe(record),
  });
  return reconciler.finish();
}
