import { BotError, GrammyError } from "grammy";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { Update } from "grammy/types";
import { z } from "zod";
import { createBot } from "../bot/index.ts";
import { errorMessage, log } from "../lib/log.ts";
import { requireSecrets } from "./require-secrets.ts";
import { secretMatches } from "./secret.ts";

/** The least a body must be to be a Telegram Update; grammY reads the rest. */
const updateShape = z.looseObject({ update_id: z.number().int() });
const isUpdate = (body: unknown): body is Update => updateShape.safeParse(body).success;

/**
 * Runs the bot on one update. Nothing is thrown on: the response has gone, and
 * an update Telegram sent again would run its handler twice. A refused reply
 * (blocked, rate limited) is a warning; anything else (D1 down) an error.
 */
async function handleUpdate(env: Env, update: Update): Promise<void> {
  try {
    await createBot(env).handleUpdate(update);
  } catch (error) {
    const cause = error instanceof BotError ? error.error : error;
    if (cause instanceof GrammyError) log.warn("bot_reply_failed", { update: update.update_id, method: cause.method, code: cause.error_code });
    else log.error("bot_update_failed", { update: update.update_id, error: errorMessage(cause) });
  }
}

/**
 * POST /telegram/webhook: Telegram's calls, authenticated by the secret token
 * registered with setWebhook (`npm run telegram:setup`). Anything else gets
 * 401 and touches nothing.
 */
export const webhook = new Hono<{ Bindings: Env }>();

/**
 * The most an update's body may be, checked (after the secret, so a forger
 * learns nothing) before it is read: an update is JSON of at most a
 * 4096-character message and its entities, far under this.
 */
export const UPDATE_BODY_LIMIT = 256 * 1024; // bytes

webhook.use("*", requireSecrets("TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_BOT_TOKEN"));

webhook.use("*", async (c, next) => {
  const presented = c.req.header("X-Telegram-Bot-Api-Secret-Token");
  if (!(await secretMatches(presented, c.env.TELEGRAM_WEBHOOK_SECRET))) {
    log.warn("webhook_forged", { hasHeader: presented !== undefined });
    throw new HTTPException(401, { message: "unauthorized" });
  }
  await next();
});

webhook.use("*", bodyLimit({ maxSize: UPDATE_BODY_LIMIT, onError: (c) => c.text("request body too large", 413) }));

webhook.post("/", async (c) => {
  const body: unknown = await c.req.json().catch(() => null);
  if (!isUpdate(body)) throw new HTTPException(400, { message: "not a Telegram update" });
  // A pasted link may ask OLX for its ids: the update is handled after answering, so
  // Telegram never waits on it. Updates of one user may then run side by side; the
  // bot's writes are made safe for that (a flow's Save is claimed once).
  c.executionCtx.waitUntil(handleUpdate(c.env, body));
  return c.body(null, 200);
});
