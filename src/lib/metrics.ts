/**
 * One Analytics Engine data point per stage event. The column layout is fixed
 * so the SQL in docs/METRICS.md stays valid:
 *   index1 = stage
 *   blob1 = stage, blob2 = source, blob3 = city, blob4 = outcome ("ok" or an error kind)
 *   double1 = duration ms, double2 = batch size (items), double3 = end-to-end ms (0 when not known)
 */
export type Stage =
  | "fetch" // one page of one feed fetched and parsed
  | "poll" // one poll of one feed (all its pages); outcome "empty", "new", "error", "blocked"
  | "parse_issue" // an item dropped or a field nulled by a parser
  | "enqueue" // new listings sent to the queue
  | "filter" // one queue batch matched
  | "handoff" // one user's matches handed to their Notifier
  | "send" // one Telegram message accepted (or recorded in mock mode)
  | "send_error" // one Telegram call failed
  | "follow_up" // a later ad of a flat the chat had; outcome "merged" (no message), "price_drop", "new_site" (a reply)
  | "dead_letter";

export interface MetricPoint {
  stage: Stage;
  source?: string | null;
  city?: string | null;
  outcome?: string;
  durationMs?: number;
  count?: number;
  e2eMs?: number | null;
}

/** Writes a data point; never throws (metrics must not break the pipeline). */
export function recordMetric(dataset: AnalyticsEngineDataset | undefined, point: MetricPoint): void {
  if (!dataset) return;
  try {
    dataset.writeDataPoint({
      indexes: [point.stage],
      blobs: [point.stage, point.source ?? "", point.city ?? "", point.outcome ?? "ok"],
      doubles: [point.durationMs ?? 0, point.count ?? 1, point.e2eMs ?? 0],
    });
  } catch (error) {
    console.error(JSON.stringify({ level: "error", event: "metric_write_failed", error: String(error) }));
  }
}
