/**
 * The nemesis timeline: each fault starts `at` ms into the workload, lasts `for` ms (or until the final heal),
 * and repeats `every` ms while the workload runs. Every occurrence's real start and end go to `onEvent`.
 * healAll() is the guaranteed final heal: pending occurrences are cancelled, active ones healed, and then the
 * environment's own heal runs (every toxic removed, every link up, every process running), even when a step failed.
 */
import { describeError } from "../errors.js";
import type { Environment } from "../env/environment.js";
import type { FaultEvent } from "../result.js";
import { describeFault, type ResolvedFault } from "../scenario/faults.js";
import { applyNetworkFault, type Heal } from "./network.js";
import { applyProcessFault } from "./process.js";
import { seededRandom } from "../random.js";

export interface TimelineOptions {
  /** Seeds the jitter of fault start times. */
  seed?: number;
  /** Occurrences are scheduled only within the workload. */
  workloadMs: number;
  /** ms since the run's start, for event times. */
  clock: () => number;
  onEvent?: (event: FaultEvent, phase: "start" | "end") => void;
  log?: (line: string) => void;
}

interface ActiveFault {
  event: FaultEvent;
  heal: Heal;
  timer?: NodeJS.Timeout;
}

function eventKind(fault: ResolvedFault): { kind: string; target: string } {
  if (fault.kind === "network") return { kind: fault.toxic, target: fault.link };
  return { kind: fault.action, target: fault.target };
}

/**
 * Start times (ms into the workload) of each occurrence of a fault. With jitter, each start moves later by a
 * seeded random amount, kept inside its period so that repeated occurrences never overlap.
 */
export function occurrences(fault: ResolvedFault, workloadMs: number, random: () => number = Math.random): number[] {
  const shift = (): number => {
    if (fault.jitterMs === null) return 0;
    const room = fault.everyMs === null ? fault.jitterMs : Math.min(fault.jitterMs, fault.everyMs - (fault.forMs ?? 0));
    return Math.floor(random() * Math.max(0, room));
  };
  if (fault.everyMs === null) {
    const at = fault.atMs + shift();
    return at < workloadMs ? [at] : [];
  }
  const times: number[] = [];
  for (let at = fault.atMs; at < workloadMs && times.length < 10_000; at += fault.everyMs) {
    const start = at + shift();
    if (start < workloadMs) times.push(start);
  }
  return times;
}

export class FaultTimeline {
  readonly events: FaultEvent[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly active = new Set<ActiveFault>();
  private readonly applying = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly env: Environment,
    private readonly faults: ResolvedFault[],
    private readonly options: TimelineOptions,
  ) {}

  /** Schedules every occurrence relative to now (the start of the workload). */
  start(): void {
    const random = seededRandom(this.options.seed ?? 1);
    for (const fault of this.faults) {
      for (const at of occurrences(fault, this.options.workloadMs, random)) {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          const running = this.begin(fault).finally(() => this.applying.delete(running));
          this.applying.add(running);
        }, at);
        this.timers.add(timer);
      }
    }
  }

  get activeCount(): number {
    return this.active.size;
  }

  /** Short descriptions of the faults active now (live progress). */
  activeFaults(): string[] {
    return [...this.active].map((fault) => `${fault.event.kind} ${fault.event.target}`);
  }

  private async begin(fault: ResolvedFault): Promise<void> {
    if (this.stopped) return;
    const { kind, target } = eventKind(fault);
    const event: FaultEvent = { kind, target, startMs: Math.round(this.options.clock()), endMs: null };
    if (fault.kind === "network") event.detail = { stream: fault.stream, ...fault.attributes };
    else if (fault.signal) event.detail = { signal: fault.signal };
    this.events.push(event);
    this.options.log?.(`fault: ${describeFault(fault)} → start at ${event.startMs} ms`);
    let heal: Heal;
    try {
      heal = fault.kind === "network" ? await applyNetworkFault(this.env, fault) : await applyProcessFault(this.env, fault);
    } catch (error) {
      event.error = describeError(error);
      event.endMs = Math.round(this.options.clock());
      this.options.log?.(`fault: ${kind} ${target} failed: ${event.error}`);
      this.options.onEvent?.(event, "end");
      return;
    }
    this.options.onEvent?.(event, "start");
    const active: ActiveFault = { event, heal };
    this.active.add(active);
    if (fault.forMs !== null && !this.stopped) {
      active.timer = setTimeout(() => {
        const ending = this.end(active).finally(() => this.applying.delete(ending));
        this.applying.add(ending);
      }, fault.forMs);
    }
  }

  private async end(active: ActiveFault): Promise<void> {
    if (!this.active.delete(active)) return;
    clearTimeout(active.timer);
    try {
      await active.heal();
    } catch (error) {
      active.event.error = describeError(error);
    }
    active.event.endMs = Math.round(this.options.clock());
    this.options.log?.(`fault: ${active.event.kind} ${active.event.target} → end at ${active.event.endMs} ms`);
    this.options.onEvent?.(active.event, "end");
  }

  /** The final heal; safe to call more than once. */
  async healAll(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.applying]);
    await Promise.allSettled([...this.active].map((active) => this.end(active)));
    await this.env.heal();
  }
}
