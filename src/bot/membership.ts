import { Composer } from "grammy";
import { useDb } from "../db/client.ts";
import { setBlockedByTelegramId } from "../db/users.ts";
import type { BotContext } from "./context.ts";

/**
 * The user blocked the bot ("kicked") or unblocked it ("member") in their
 * private chat: keep their data, stop or resume matching for them. What was
 * already queued meets Telegram's 403 and is dropped by the Notifier.
 */
export const membership = new Composer<BotContext>();

membership.on("my_chat_member", async (ctx) => {
  const update = ctx.myChatMember;
  if (update.chat.type !== "private") return;
  const status = update.new_chat_member.status;
  if (status !== "kicked" && status !== "member") return;
  await setBlockedByTelegramId(useDb(ctx.env.DB), update.from.id, status === "kicked" ? Date.now() : null);
});
