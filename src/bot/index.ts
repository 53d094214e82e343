// The bot: one Composer per feature, wired here; the Hono webhook (src/web/webhook.ts) is its only user.
import { Bot } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { account } from "./account.ts";
import { start } from "./start.ts";
import { membership } from "./membership.ts";
import { answerOnError, unknownCallback } from "./callbacks.ts";
import { fallback } from "./fallback.ts";
import { groupChoiceButtons } from "./group-choice.ts";
import { GROUP_SEARCHES_COMMAND, groupSearches } from "./group-searches.ts";
import { pastedLink } from "./paste-link.ts";
import { searches } from "./searches.ts";
import { settingsCommand } from "./settings.ts";
import { stats } from "./stats.ts";
import { tooLong } from "./too-long.ts";
import { wizard } from "./wizard/wizard.ts";
import type { BotContext } from "./context.ts";
import { session } from "./session.ts";
import { telegramClientOptions } from "../telegram/api.ts";

/**
 * Who the bot is, without calling getMe: a webhook must not depend on a Bot
 * API round trip (which would also run before the secret check). The id is
 * the token's prefix; the rest only matters to grammY's command matching.
 */
function botInfo(token: string): UserFromGetMe {
  const id = Number(token.split(":")[0]) || 0;
  return {
    id,
    is_bot: true,
    first_name: "GetMeOne",
    username: "GetMeOneBot",
    can_join_groups: false,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
}

/**
 * The bot for one webhook call, one Composer per feature: every command in
 * private chats; in groups only /searches and its buttons (the bot's own
 * membership and a group's upgrade in every chat). Anything else in a group,
 * and channels, are acknowledged and ignored.
 */
export function createBot(env: Env): Bot<BotContext> {
  const bot = new Bot<BotContext>(env.TELEGRAM_BOT_TOKEN, {
    botInfo: botInfo(env.TELEGRAM_BOT_TOKEN),
    client: telegramClientOptions(env),
  });
  bot.use((ctx, next) => {
    ctx.env = env;
    return next();
  });
  bot.use(membership);
  const dm = bot.chatType("private");
  dm.use(session);
  dm.use(answerOnError);
  dm.use(tooLong);
  dm.use(start);
  dm.use(account);
  dm.use(searches);
  dm.use(groupChoiceButtons);
  dm.use(stats);
  dm.use(settingsCommand);
  dm.use(pastedLink);
  dm.use(wizard);
  dm.use(unknownCallback);
  dm.use(fallback);
  // Only what the bot answers in a group reaches the session's D1 read: an admin bot sees every message there.
  const group = bot.chatType(["group", "supergroup"]).filter((ctx) => ctx.callbackQuery !== undefined || GROUP_SEARCHES_COMMAND.test(ctx.message?.text ?? ""));
  group.use(session);
  group.use(answerOnError);
  group.use(groupSearches);
  group.use(unknownCallback);
  return bot;
}
