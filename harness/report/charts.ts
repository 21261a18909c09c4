/**
 * Charts as inline SVG, rendered at generation time with Vega-Lite → Vega (renderer "none": no browser, no
 * canvas, no network). Vega-Lite is chosen for declarative specs that are easy to review and its server-side SVG.
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { FaultEvent, QosResult } from "../result.js";
import type { RunSeries } from "./series.js";

const WIDTH = 640;
const HEIGHT = 220;
const SERIES_COLORS = { published: "#4c78a8", acked: "#f58518", arrived: "#54a24b" };

async function toSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function faultLayer(faults: FaultEvent[], endSeconds: number): TopLevelSpec["layer" & keyof TopLevelSpec] | object {
  return {
    data: {
      values: faults.map((fault) => ({
        from: fault.startMs / 1000,
        to: (fault.endMs ?? endSeconds * 1000) / 1000,
        fault: `${fault.kind} ${fault.target}`,
      })),
    },
    mark: { type: "rect", opacity: 0.15, color: "#e45756" },
    encoding: { x: { field: "from", type: "quantitative" }, x2: { field: "to" }, tooltip: { field: "fault" } },
  };
}

/** A line chart over seconds since the run started, with the fault windows shaded behind it. */
function timeChart(title: string, values: { t: number }[], y: { field: string; title: string; log?: boolean }, color: object, faults: FaultEvent[]): Promise<string> {
  const end = Math.max(0, ...values.map((value) => value.t)) + 1;
  return toSvg({
    width: WIDTH,
    height: HEIGHT,
    title,
    layer: [
      faultLayer(faults, end) as never,
      {
        data: { values },
        mark: { type: "line", interpolate: "step-after" },
        encoding: {
          x: { field: "t", type: "quantitative", title: "seconds since the run started" },
          y: { field: y.field, type: "quantitative", title: y.title, ...(y.log ? { scale: { type: "symlog" } } : {}) },
          color,
        },
      },
    ],
  } as TopLevelSpec);
}

/** Messages per second: published, acknowledged and arriving in Kafka, fault windows shaded. */
export function timelineChart(series: RunSeries, faults: FaultEvent[]): Promise<string> {
  const perSecond = new Map<number, { published: number; acked: number; arrived: number }>();
  for (const point of series.points) {
    const row = perSecond.get(point.t) ?? { published: 0, acked: 0, arrived: 0 };
    row.published += point.published;
    row.acked += point.acked;
    row.arrived += point.arrived;
    perSecond.set(point.t, row);
  }
  const values = [...perSecond.entries()].flatMap(([t, row]) =>
    (Object.keys(SERIES_COLORS) as (keyof typeof SERIES_COLORS)[]).map((name) => ({ t, name, count: row[name] })),
  );
  return timeChart("Messages per second (all QoS levels); shaded: faults", values, { field: "count", title: "messages / s" }, {
    field: "name",
    type: "nominal",
    title: null,
    scale: { domain: Object.keys(SERIES_COLORS), range: Object.values(SERIES_COLORS) },
  }, faults);
}

/** Backlog: cumulative published minus cumulative arrived, per QoS level. */
export function backlogChart(series: RunSeries, faults: FaultEvent[]): Promise<string> {
  const levels = [...new Set(series.points.map((point) => point.qos))].sort();
  const values: { t: number; qos: string; backlog: number }[] = [];
  for (const qos of levels) {
    let published = 0;
    let arrived = 0;
    for (const point of series.points.filter((p) => p.qos === qos)) {
      published += point.published;
      arrived += point.arrived;
      values.push({ t: point.t, qos: `QoS ${qos}`, backlog: published - arrived });
    }
  }
  return timeChart("Backlog: published − arrived in Kafka", values, { field: "backlog", title: "messages" }, { field: "qos", type: "nominal", title: null }, faults);
}

/** Latency percentiles per QoS level. */
export function latencyPercentileChart(qos: Partial<Record<string, QosResult>>): Promise<string> {
  const values = Object.entries(qos).flatMap(([level, result]) =>
    Object.entries(result!.latencyMs).map(([percentile, ms]) => ({ qos: `QoS ${level}`, percentile, ms })),
  );
  return toSvg({
    width: WIDTH,
    height: HEIGHT,
    title: "End-to-end latency percentiles (Kafka log-append time − publish time)",
    data: { values },
    mark: "bar",
    encoding: {
      x: { field: "percentile", type: "nominal", sort: ["p50", "p90", "p99", "p999", "max"], title: null },
      xOffset: { field: "qos" },
      y: { field: "ms", type: "quantitative", title: "ms" },
      color: { field: "qos", type: "nominal", title: null },
    },
  } as TopLevelSpec);
}

/** Mean and max latency of what arrived each second, per QoS level. */
export function latencyOverTimeChart(series: RunSeries, faults: FaultEvent[]): Promise<string> {
  const values = series.points
    .filter((point) => point.latencyMeanMs !== null)
    .flatMap((point) => [
      { t: point.t, series: `QoS ${point.qos} mean`, ms: point.latencyMeanMs },
      { t: point.t, series: `QoS ${point.qos} max`, ms: point.latencyMaxMs },
    ]);
  return timeChart("Latency over time (by arrival second)", values, { field: "ms", title: "ms", log: true }, { field: "series", type: "nominal", title: null }, faults);
}
