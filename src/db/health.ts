import { desc } from "drizzle-orm";
import { type PollerStats, pollerStatsSchema } from "../model/feed.ts";
import { useDb } from "./client.ts";
import { rowsOf } from "./json-list.ts";
import { feeds } from "./schema.ts";

/**
 * The operator's numbers, read from D1 timestamps in one round trip: latency
 * percentiles per stage for the last hour and day, the e2e percentiles per
 * hour (for the chart), backlogs, feed health and Telegram errors by code.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The stages a listing passes, and end to end (publication → Telegram accepted). */
export const STAGES = ["e2e", "detection", "queue", "filter", "send"] as const;
export type StageName = (typeof STAGES)[number];

export interface Percentiles {
  n: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** A feed as /admin shows it: the registry row and its poller's figures as last copied (null: none yet, or unreadable). */
export type FeedHealth = Omit<typeof feeds.$inferSelect, "stats"> & { stats: PollerStats | null };

export interface Health {
  now: number;
  stages: Record<"hour" | "day", Record<StageName, Percentiles>>;
  /** Per hour of the last day: e2e p50 and p95 (ms), oldest first. */
  hourly: { hour: number; n: number; p50: number; p95: number }[];
  backlog: { unfiltered: number; outbox: number; deadLetters: number; failedToday: number; unknownToday: number };
  feeds: FeedHealth[];
  telegramErrors: { code: number | null; count: number }[];
}

/**
 * SQL for when a listing (alias `l`) went public, in ms: the platform's time
 * (listings.published_at, ms like every time column), else when the parser
 * first saw it. The SQL twin of listingTime() in src/model/listing.ts.
 */
export const LISTING_TIME_SQL = "COALESCE(l.published_at, l.first_seen_at)";

/** Each stage's durations (ms) of the last day, with the time they ended. */
const DURATIONS = `
  durations AS (
    SELECT 'e2e' AS stage, n.sent_at AS at, n.sent_at - ${LISTING_TIME_SQL} AS ms
      FROM notifications n JOIN listings l ON l.id = n.listing_id WHERE n.sent_at >= ?1
    UNION ALL
    SELECT 'detection', l.first_seen_at, l.first_seen_at - l.published_at
      FROM listings l WHERE l.first_seen_at >= ?1 AND l.notify = 1 AND l.published_at IS NOT NULL
    UNION ALL
    SELECT 'queue', l.enqueued_at, l.enqueued_at - l.first_seen_at
      FROM listings l WHERE l.enqueued_at >= ?1
    UNION ALL
    SELECT 'filter', n.matched_at, n.matched_at - l.enqueued_at
      FROM notifications n JOIN listings l ON l.id = n.listing_id WHERE n.matched_at >= ?1 AND l.enqueued_at IS NOT NULL
    UNION ALL
    SELECT 'send', n.sent_at, n.sent_at - n.matched_at
      FROM notifications n WHERE n.sent_at >= ?1
  )`;

/** Nearest-rank percentiles of ranked rows: the smallest value at or past rank ceil(p·n). */
const PERCENTILES = `MAX(n) AS n,
  MIN(CASE WHEN rn * 100 >= n * 50 THEN ms END) AS p50,
  MIN(CASE WHEN rn * 100 >= n * 95 THEN ms END) AS p95,
  MIN(CASE WHEN rn * 100 >= n * 99 THEN ms END) AS p99`;

interface StageRow {
  stage: StageName;
  win: "hour" | "day";
  n: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export function healthStatements(d1: D1Database, now: number): D1PreparedStatement[] {
  const dayAgo = now - DAY_MS;
  const hourAgo = now - HOUR_MS;
  return [
    d1
      .prepare(
        `WITH ${DURATIONS},
         windows AS (
           SELECT stage, 'day' AS win, ms FROM durations
           UNION ALL SELECT stage, 'hour', ms FROM durations WHERE at >= ?2
         ),
         ranked AS (
           SELECT stage, win, ms, ROW_NUMBER() OVER (PARTITION BY stage, win ORDER BY ms) AS rn,
                  COUNT(*) OVER (PARTITION BY stage, win) AS n
           FROM windows
         )
         SELECT stage, win, ${PERCENTILES} FROM ranked GROUP BY stage, win`,
      )
      .bind(dayAgo, hourAgo),
    d1
      .prepare(
        `WITH ${DURATIONS},
         ranked AS (
           SELECT at / ${HOUR_MS} AS hour, ms, ROW_NUMBER() OVER (PARTITION BY at / ${HOUR_MS} ORDER BY ms) AS rn,
                  COUNT(*) OVER (PARTITION BY at / ${HOUR_MS}) AS n
           FROM durations WHERE stage = 'e2e'
         )
         SELECT hour, ${PERCENTILES} FROM ranked GROUP BY hour ORDER BY hour`,
      )
      .bind(dayAgo),
    d1
      .prepare(
        `SELECT
           (SELECT count(*) FROM listings WHERE notify = 1 AND filtered_at IS NULL) AS unfiltered,
           (SELECT count(*) FROM notifications WHERE status = 'pending' AND matched_at >= ?1) AS outbox,
           (SELECT count(*) FROM dead_letters WHERE replayed_at IS NULL) AS deadLetters,
           (SELECT count(*) FROM notifications WHERE status = 'failed' AND matched_at >= ?1) AS failedToday,
           (SELECT count(*) FROM notifications WHERE uncertain = 1 AND matched_at >= ?1) AS unknownToday`,
      )
      .bind(dayAgo),
    d1
      .prepare(
        `SELECT error_code AS code, count(*) AS count FROM notifications
         WHERE error IS NOT NULL AND matched_at >= ?1 GROUP BY error_code ORDER BY count DESC`,
      )
      .bind(dayAgo),
  ];
}

/** A feed's row with its poller's figures read back (null: none yet, or not of the shape written). */
function feedHealth({ stats, ...row }: typeof feeds.$inferSelect): FeedHealth {
  const parsed = pollerStatsSchema.safeParse(stats);
  return { ...row, stats: parsed.success ? parsed.data : null };
}

const emptyStages = (): Record<StageName, Percentiles> =>
  Object.fromEntries(STAGES.map((s) => [s, { n: 0, p50: null, p95: null, p99: null }])) as Record<StageName, Percentiles>;

/** Everything the admin page and the admins' /stats show: the figures in one D1 round trip, the feeds beside it. */
export async function loadHealth(d1: D1Database, now: number): Promise<Health> {
  const [[stageRows, hourlyRows, backlogRows, errorRows], feedRows] = await Promise.all([
    d1.batch(healthStatements(d1, now)),
    useDb(d1).select().from(feeds).orderBy(desc(feeds.active), feeds.source, feeds.deal, feeds.property, feeds.scope),
  ]);
  const stages = { hour: emptyStages(), day: emptyStages() };
  for (const r of stageRows ? rowsOf<StageRow>(stageRows) : []) stages[r.win][r.stage] = { n: r.n, p50: r.p50, p95: r.p95, p99: r.p99 };
  const backlog = (backlogRows ? rowsOf<Health["backlog"]>(backlogRows)[0] : undefined) ?? { unfiltered: 0, outbox: 0, deadLetters: 0, failedToday: 0, unknownToday: 0 };
  return {
    now,
    stages,
    hourly: (hourlyRows ? rowsOf<{ hour: number; n: number; p50: number; p95: number }>(hourlyRows) : []).map((r) => ({ hour: r.hour, n: r.n, p50: r.p50, p95: r.p95 })),
    backlog,
    feeds: feedRows.map(feedHealth),
    telegramErrors: errorRows ? rowsOf<{ code: number | null; count: number }>(errorRows) : [],
  };
}

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** One user's own numbers (the bot's /stats). */
export interface UserStats {
  active: number;
  total: number;
  /** Listings sent in the last 7 days. */
  week: number;
  /** Median time from publication (else first sighting) to Telegram accepting, over those; null: none sent. */
  medianDelayMs: number | null;
}

/** The user's searches, what they got this week and how fast, in one query. */
export async function userStats(d1: D1Database, userId: number, now: number): Promise<UserStats | null> {
  return d1
    .prepare(
      `WITH sent AS (
         SELECT n.sent_at - ${LISTING_TIME_SQL} AS delay
         FROM notifications n JOIN listings l ON l.id = n.listing_id
         WHERE n.user_id = ?1 AND n.status = 'sent' AND n.sent_at >= ?2
       )
       SELECT
         (SELECT count(*) FROM saved_searches WHERE user_id = ?1 AND active = 1) AS active,
         (SELECT count(*) FROM saved_searches WHERE user_id = ?1) AS total,
         (SELECT count(*) FROM sent) AS week,
         (SELECT delay FROM sent ORDER BY delay LIMIT 1 OFFSET (SELECT (count(*) - 1) / 2 FROM sent)) AS medianDelayMs`,
    )
    .bind(userId, now - WEEK_MS)
    .first<UserStats>();
}
