import { BotError, GrammyError } from "grammy";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Update } from "grammy/types";
import { z } from "zod";
import { createBot } from "../bot/bot.ts";
import { log } from "../lib/log.ts";
import { secretMatches } from "./secret.ts";

/** The least a body must be to be a Telegram Update; grammY reads the rest. */
const updateShape = z.looseObject({ update_id: z.number().int() });
const isUpdate = (body: unknown): body is Update => updateShape.safeParse(body).success;

/**
 * POST /telegram/webhook: Telegram's calls, authenticated by the secret token
 * registered with setWebhook (`npm run telegram:setup`). Anything else gets
 * 401 and touches nothing.
 */
export const webhook = new Hono<{ Bindings: Env }>();

webhook.post("/", async (c) => {
  const presented = c.req.header("X-Telegram-Bot-Api-Secret-Token");
  if (!(await secretMatches(presented, c.env.TELEGRAM_WEBHOOK_SECRET))) {
    log.warn("webhook_forged", { hasHeader: presented !== undefined });
    throw new HTTPException(401, { message: "unauthorized" });
  }
  const body: unknown = await c.req.json().catch(() => null);
  if (!isUpdate(body)) throw new HTTPException(400, { message: "not a Telegram update" });
  try {
    await createBot(c.env).handleUpdate(body);
  } catch (error) {
    // The Bot API refused our answer (blocked, rate limited, bad request): retrying the
    // update would not help and would run its handler again. Anything else (D1 down)
    // is thrown on, and Telegram delivers the update again later.
    const cause = error instanceof BotError ? error.error : error;
    if (!(cause instanceof GrammyError)) throw error;
    log.warn("bot_reply_failed", { update: body.update_id, method: cause.method, code: cause.error_code });
  }
  return c.body(null, 200);
});
