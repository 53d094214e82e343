import { useDb } from "../db/client.ts";
import { deadLetterOf, insertDeadLetters } from "../db/dead-letters.ts";
import { errorMessage, log } from "../lib/log.ts";
import { recordMetric } from "../lib/metrics.ts";
import { enlist } from "../model/dispatch.ts";
import { filterListings } from "./consume.ts";
import { newListingsMessage } from "../model/queue-message.ts";
import { SearchCache } from "./search-cache.ts";

/** The isolate's search cache, shared by the batches this isolate consumes. */
const isolateCache = new SearchCache();

/** Seconds before a failed batch is tried again: 5, 10, 20, ... capped at 5 min. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(5 * 2 ** Math.max(0, attempts - 1), 300);
}

export interface QueueHandlerOptions {
  cache?: SearchCache;
  clock?: () => number;
}

/**
 * NEW_LISTINGS consumer: the whole batch is matched together (constant D1
 * round trips), so it succeeds or is retried together; matching is idempotent,
 * so a retry only finishes what the first try left. A message that is not of
 * our format is recorded as a dead letter at once: retrying cannot fix it.
 */
export async function handleNewListings(batch: MessageBatch, env: Env, options: QueueHandlerOptions = {}): Promise<void> {
  const clock = options.clock ?? Date.now;
  const db = useDb(env.DB);
  const ids = new Set<number>();
  const repriced = new Set<number>();
  const valid: Message[] = [];
  for (const message of batch.messages) {
    const parsed = newListingsMessage.safeParse(message.body);
    if (parsed.success) {
      valid.push(message);
      for (const id of parsed.data.listingIds) ids.add(id);
      for (const id of parsed.data.repriced ?? []) repriced.add(id);
      continue;
    }
    log.error("queue_message_invalid", { queue: batch.queue, message: message.id, error: parsed.error.message.slice(0, 300) });
    recordMetric(env.METRICS, { stage: "dead_letter", outcome: "invalid" });
    await insertDeadLetters(db, [deadLetterOf(batch.queue, message, clock())]);
    message.ack();
  }
  if (valid.length === 0) return;

  try {
    const result = await filterListings([...ids], {
      d1: env.DB,
      notifier: env.NOTIFIER,
      enlist: (entries) => enlist(env, entries),
      cache: options.cache ?? isolateCache,
      metrics: env.METRICS,
      clock,
    }, [...repriced]);
    if (result.failedUsers > 0) throw new Error(`${result.failedUsers} users could not be handed their matches`);
    for (const message of valid) message.ack();
  } catch (error) {
    const attempts = Math.max(...valid.map((m) => m.attempts));
    log.error("filter_batch_failed", { messages: valid.length, attempts, error: errorMessage(error) });
    recordMetric(env.METRICS, { stage: "filter", outcome: "error", count: ids.size });
    for (const message of valid) message.retry({ delaySeconds: retryDelaySeconds(attempts) });
  }
}

/**
 * Dead-letter consumer: what failed every retry is kept in D1 (the admin page
 * counts it) and the operator is told once per batch.
 */
export async function handleDeadLetters(
  batch: MessageBatch,
  env: Env,
  alert: (text: string) => Promise<void>,
  clock: () => number = Date.now,
): Promise<void> {
  const db = useDb(env.DB);
  const rows = batch.messages.map((m) => deadLetterOf(batch.queue, m, clock()));
  await insertDeadLetters(db, rows);
  recordMetric(env.METRICS, { stage: "dead_letter", count: rows.length });
  log.error("dead_letters", { queue: batch.queue, messages: rows.length });
  await alert(`${rows.length} message(s) failed every retry on ${batch.queue} and were kept in dead_letters.`);
  batch.ackAll();
}
