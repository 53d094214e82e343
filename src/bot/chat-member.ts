import { type Api, GrammyError } from "grammy";
import type { ChatMember } from "grammy/types";
import { log } from "../lib/log.ts";

/**
 * What Telegram says a user is in a group (getChatMember, asked when it
 * matters: D1 does not know who is in a group). A 4xx answer (no such user
 * there, the bot is not in the chat any more) is "not a member"; a 429 or a
 * failed request throws (a busy Telegram says nothing about membership), and
 * the caller's button answers "something went wrong".
 */
async function memberOf(api: Api, chatId: number, telegramId: number): Promise<ChatMember | null> {
  try {
    return await api.getChatMember(chatId, telegramId);
  } catch (error) {
    if (error instanceof GrammyError && error.error_code >= 400 && error.error_code < 500 && error.error_code !== 429) {
      log.info("bot_chat_member_refused", { chat: chatId, code: error.error_code, description: error.description });
      return null;
    }
    throw error;
  }
}

/** The user is in the group and may read what is sent there: a member, an admin, its creator, or restricted but still in it. */
export async function isChatMember(api: Api, chatId: number, telegramId: number): Promise<boolean> {
  const member = await memberOf(api, chatId, telegramId);
  if (!member) return false;
  if (member.status === "restricted") return member.is_member;
  return member.status === "creator" || member.status === "administrator" || member.status === "member";
}

/** The user administers the group (its creator or an administrator): they may change any search delivering there. */
export async function isChatAdmin(api: Api, chatId: number, telegramId: number): Promise<boolean> {
  const member = await memberOf(api, chatId, telegramId);
  return member?.status === "creator" || member?.status === "administrator";
}
