import { Composer } from "grammy";
import { bumpSearchVersionStatement } from "../db/searches.ts";
import type { BotContext } from "./bot.ts";

/**
 * The user blocked the bot ("kicked") or unblocked it ("member") in their
 * private chat: keep their data, stop or resume matching for them.
 */
export const membership = new Composer<BotContext>();

membership.on("my_chat_member", async (ctx) => {
  const update = ctx.myChatMember;
  if (update.chat.type !== "private") return;
  const status = update.new_chat_member.status;
  const d1 = ctx.env.DB;
  const blockedAt = status === "kicked" ? Date.now() : null;
  if (status !== "kicked" && status !== "member") return;
  await d1.batch([
    d1.prepare(`UPDATE users SET blocked_at = ? WHERE telegram_id = ?`).bind(blockedAt, update.from.id),
    bumpSearchVersionStatement(d1),
  ]);
});
