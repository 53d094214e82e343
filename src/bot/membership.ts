import { Composer, GrammyError } from "grammy";
import { type ChatOwner, markChatGone, moveChat, ownersInChat, upsertChat } from "../db/chats.ts";
import { useDb } from "../db/client.ts";
import { findUser, setBlockedByTelegramId } from "../db/users.ts";
import { log } from "../lib/log.ts";
import { languageOf } from "../model/language.ts";
import { texts } from "../model/texts/index.ts";
import type { BotContext } from "./context.ts";

/**
 * my_chat_member, the bot's own membership, in every kind of chat:
 * - a private chat: the user blocked the bot ("kicked") or unblocked it
 *   ("member"): keep their data, stop or resume matching for them. What was
 *   already queued meets Telegram's 403 and is dropped by the Notifier.
 * - a group or supergroup: the bot was added (member, administrator): the chat
 *   is recorded with who added it, and the bot says how to send a search
 *   there; removed (left, kicked): the searches that delivered there go back
 *   to their owners' private chats, and each owner is told.
 * And a group upgraded to a supergroup (migrate_to_chat_id): its id changes,
 * its searches follow.
 */
export const membership = new Composer<BotContext>();

const IN = new Set(["member", "administrator", "creator"]);
const OUT = new Set(["left", "kicked"]);

/** A message the bot sends on its own (a greeting, a notice): a refusal is logged, the update still counts as handled. */
async function tell(ctx: BotContext, chatId: number, text: string): Promise<void> {
  try {
    await ctx.api.sendMessage(chatId, text);
  } catch (error) {
    if (!(error instanceof GrammyError)) throw error;
    log.warn("bot_notice_refused", { chat: chatId, code: error.error_code, description: error.description });
  }
}

/** Each owner whose searches went to the group hears it in their own chat, in their language. */
async function tellOwners(ctx: BotContext, owners: readonly ChatOwner[], title: string): Promise<void> {
  for (const owner of owners) await tell(ctx, owner.chatId, texts(owner.language).groups.removed(title, owner.searchIds.length));
}

membership.on("my_chat_member", async (ctx) => {
  const update = ctx.myChatMember;
  const chat = update.chat;
  const status = update.new_chat_member.status;
  const db = useDb(ctx.env.DB);
  const now = Date.now();
  if (chat.type === "private") {
    if (status !== "kicked" && status !== "member") return;
    await setBlockedByTelegramId(db, update.from.id, status === "kicked" ? now : null);
    return;
  }
  if (chat.type !== "group" && chat.type !== "supergroup") return;

  if (IN.has(status)) {
    const adder = await findUser(db, update.from.id);
    await upsertChat(db, { chatId: chat.id, title: chat.title, type: chat.type, addedBy: adder?.id ?? null, now });
    // A promotion to administrator is no new arrival: the greeting is for the bot's first minute in the group.
    if (OUT.has(update.old_chat_member.status)) {
      await tell(ctx, chat.id, texts(adder?.language ?? languageOf(update.from.language_code)).groups.greeting);
    }
  } else if (OUT.has(status)) {
    const owners = await ownersInChat(db, chat.id);
    await markChatGone(ctx.env.DB, chat.id, now);
    log.info("bot_group_left", { chat: chat.id, owners: owners.length });
    await tellOwners(ctx, owners, chat.title);
  }
});

membership.on("message:migrate_to_chat_id", async (ctx) => {
  await moveChat(ctx.env.DB, ctx.chat.id, ctx.message.migrate_to_chat_id, Date.now());
});
