import { env } from "cloudflare:workers";
import { onTestFinished } from "vitest";
import { createFakeTelegram } from "../../sim/fake-telegram.ts";
import { postUpdate, type TelegramUser } from "./bot.ts";
import type { TestClock } from "./fake-telegram.ts";
import { fakeWeb } from "./fake-web.ts";

/**
 * Group chats as the Bot API shows them (https://core.telegram.org/bots/api#chat,
 * #chatmember, #chatmemberupdated): the updates a bot gets in a group, and a
 * fake getChatMember in front of sim/fake-telegram.ts, which has none.
 */

export const BOT_USER = { id: 123456, is_bot: true, first_name: "GetMeOne", username: "getmeone_test_bot" } as const;

export interface TestGroup {
  id: number;
  title: string;
  type: "group" | "supergroup";
}

export const flatGroup: TestGroup = { id: -4_012_345_678, title: "Mieszkanie z Bobem", type: "group" };

export type MemberStatus = "creator" | "administrator" | "member" | "restricted" | "left" | "kicked";

let nextUpdateId = 50_000;
const DATE = 1_764_000_000;

const chatOf = (group: TestGroup) => ({ id: group.id, title: group.title, type: group.type, ...(group.type === "group" ? { all_members_are_administrators: true } : {}) });

/** A ChatMember object of each status, with the fields Telegram sends for it. */
function chatMember(user: TelegramUser | typeof BOT_USER, status: MemberStatus) {
  switch (status) {
    case "creator":
      return { user, status, is_anonymous: false };
    case "administrator":
      return {
        user,
        status,
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: true,
        can_restrict_members: true,
        can_promote_members: false,
        can_change_info: true,
        can_invite_users: true,
        can_post_stories: false,
        can_edit_stories: false,
        can_delete_stories: false,
        can_pin_messages: true,
      };
    case "restricted":
      return { user, status, is_member: true, can_send_messages: false, can_send_audios: false, can_send_documents: false, can_send_photos: false, can_send_videos: false, can_send_video_notes: false, can_send_voice_notes: false, can_send_polls: false, can_send_other_messages: false, can_add_web_page_previews: false, can_change_info: false, can_invite_users: false, can_pin_messages: false, can_manage_topics: false, until_date: 0 };
    case "kicked":
      return { user, status, until_date: 0 };
    default:
      return { user, status };
  }
}

/** my_chat_member: `from` changed the bot's status in the group. */
export function botMembership(group: TestGroup, from: TelegramUser, old: MemberStatus, now: MemberStatus) {
  return {
    update_id: nextUpdateId++,
    my_chat_member: { chat: chatOf(group), from, date: DATE, old_chat_member: chatMember(BOT_USER, old), new_chat_member: chatMember(BOT_USER, now) },
  };
}

/** The service message a group gets when it becomes a supergroup. */
export function migrateMessage(group: TestGroup, from: TelegramUser, to: number) {
  const updateId = nextUpdateId++;
  return { update_id: updateId, message: { message_id: updateId, from, chat: chatOf(group), date: DATE, migrate_to_chat_id: to } };
}

/** A command typed in the group (with its bot_command entity). */
export function groupText(group: TestGroup, from: TelegramUser, text: string) {
  const updateId = nextUpdateId++;
  const command = /^\/\S+/.exec(text)?.[0];
  return {
    update_id: updateId,
    message: { message_id: updateId, from, chat: chatOf(group), date: DATE, text, ...(command ? { entities: [{ offset: 0, length: command.length, type: "bot_command" }] } : {}) },
  };
}

/** A press on a button under the bot's message in the group. */
export function groupPress(group: TestGroup, from: TelegramUser, data: string, messageId = 7) {
  const updateId = nextUpdateId++;
  return {
    update_id: updateId,
    callback_query: { id: `gcq-${updateId}`, from, chat_instance: "-777", data, message: { message_id: messageId, from: BOT_USER, chat: chatOf(group), date: DATE, text: "…" } },
  };
}

/** Posts an update 3 s after the last one (a group's pace) and fails on anything but 200. */
export async function post(clock: TestClock, update: unknown): Promise<void> {
  clock.now += 3000;
  const response = await postUpdate(update);
  if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
}

/**
 * The fake Bot API with getChatMember answered from `members` ("<chat>:<user>" → status;
 * anyone else: Telegram's 400 "user not found"). @returns the fake, and the getChatMember calls made
 */
export function installGroupTelegram(clock: TestClock, members: Map<string, MemberStatus>) {
  const telegram = createFakeTelegram({ clock: () => clock.now, token: env.TELEGRAM_BOT_TOKEN });
  const asked: string[] = [];
  const web = fakeWeb({
    [new URL(env.TELEGRAM_API_ROOT).origin]: async (request) => {
      if (!request.url.endsWith("/getChatMember")) return telegram.handle(request);
      const params = (await request.json()) as { chat_id: number; user_id: number };
      const key = `${params.chat_id}:${params.user_id}`;
      asked.push(key);
      const status = members.get(key);
      if (!status) return Response.json({ ok: false, error_code: 400, description: "Bad Request: user not found" }, { status: 400 });
      return Response.json({ ok: true, result: chatMember({ id: params.user_id, is_bot: false, first_name: "Member" }, status) });
    },
  });
  onTestFinished(() => web.restore());
  return { telegram, asked };
}
