import { useDb } from "../db/client.ts";
import { type Written, deleteSearch, insertSearch, setSearchActive, setSearchChat, updateSearch } from "../db/saved-searches.ts";
import { type User, recipientOf, registerUser, saveAccountSettings, setLanguage, setPaused } from "../db/users.ts";
import { config } from "../lib/config.ts";
import { enlist } from "../model/dispatch.ts";
import type { Language } from "../model/language.ts";
import { type AccountSettings, notifierKey } from "../model/recipient.ts";
import type { SearchDraft } from "../model/search.ts";

/**
 * Every change of a user's state that the filter or the user's Notifier must
 * know, written once: the D1 write (which bumps the search version in its own
 * batch, src/db/users.ts and saved-searches.ts) and then what the Notifier
 * must hear of it, so no caller can forget either. The bot's commands and the
 * settings page change users and searches only through these.
 *
 * The D1 write comes first: once it is in, the filter hands nothing more
 * over. The Notifier's part is idempotent; if it fails the call throws, the
 * caller shows an error, and doing it again finishes the job.
 */

type Deps = Pick<Env, "DB" | "NOTIFIER" | "SEND_SCHEDULER">;

const notifierOf = (env: Deps, userId: number) => env.NOTIFIER.getByName(String(userId));

/** The Notifier that holds what a search queued: its group's when it delivers to one (notifierKey), else its owner's. */
const searchNotifier = (env: Deps, userId: number, written: Written) =>
  env.NOTIFIER.getByName(String(notifierKey({ userId, chatId: written.chatId ?? 0, group: written.chatId !== null })));

/** What is queued goes by the user's new settings; new quiet hours may move when it may go. */
async function updateRecipient(env: Deps, user: User): Promise<void> {
  const next = await notifierOf(env, user.id).updateRecipient(recipientOf(user));
  if (next) await enlist(env, [{ userId: user.id, ...next }]);
}

/**
 * /start, or a first visit to the Mini App (its initData vouches for the
 * user): registers them, or welcomes them back with their chat id refreshed
 * and a block cleared.
 */
export function register(env: Deps, who: { telegramId: number; chatId: number; language: Language; now: number }): Promise<User> {
  return registerUser(useDb(env.DB), who);
}

/**
 * /pause (and the settings page's pause): nothing more is sent. What was
 * already waiting in the user's outbox (paced, held for quiet hours, for a
 * digest) is dropped, not sent later.
 *
 * @returns how many waiting messages were dropped; null when there is no such user
 */
export async function pauseNotifications(env: Deps, userId: number): Promise<{ dropped: number } | null> {
  const user = await setPaused(useDb(env.DB), userId, true);
  if (!user) return null;
  return notifierOf(env, userId).pause();
}

/** /resume: notifications start again from new listings (nothing dropped comes back). */
export async function resumeNotifications(env: Deps, userId: number): Promise<User | null> {
  const user = await setPaused(useDb(env.DB), userId, false);
  if (user) await notifierOf(env, userId).resume();
  return user;
}

/** /lang: new messages, and those already waiting, are in the new language. */
export async function changeLanguage(env: Deps, userId: number, language: Language): Promise<User | null> {
  const user = await setLanguage(useDb(env.DB), userId, language);
  if (user) await updateRecipient(env, user);
  return user;
}

/**
 * The settings page's account form: pause, language, quiet hours and the
 * digest threshold at once; a pause drops what was waiting, and the rest
 * applies to what is still queued.
 *
 * @returns the messages dropped by a pause (0 otherwise); null when there is no such user
 */
export async function saveAccount(env: Deps, userId: number, settings: AccountSettings): Promise<{ dropped: number } | null> {
  const user = await saveAccountSettings(useDb(env.DB), userId, settings);
  if (!user) return null;
  await updateRecipient(env, user);
  const notifier = notifierOf(env, userId);
  if (user.paused) return notifier.pause();
  await notifier.resume();
  return { dropped: 0 };
}

/**
 * A new search, unless the user has MAX_SEARCHES_PER_USER already.
 *
 * @param chatId a group the caller checked the user may use (src/db/chats.ts usableChats); null: their private chat
 * @returns its id, or null at the limit
 */
export function createSearch(env: Deps & Pick<Env, "MAX_SEARCHES_PER_USER">, userId: number, draft: SearchDraft, now: number, chatId: number | null = null): Promise<number | null> {
  return insertSearch(env.DB, userId, draft, config(env).maxSearchesPerUser, now, chatId);
}

/**
 * New criteria for one of the user's searches, and where it delivers when
 * `chatId` is given. What it queued before a move still goes where it matched.
 *
 * @returns false when it is not theirs
 */
export async function changeSearch(env: Deps, userId: number, searchId: number, draft: SearchDraft, now: number, chatId?: number | null): Promise<boolean> {
  return (await updateSearch(env.DB, userId, searchId, draft, now, chatId)) !== null;
}

/** Points one search at a group the caller checked the user may use, or (null) back at their private chat. @returns false when it is not theirs */
export async function pointSearch(env: Deps, userId: number, searchId: number, chatId: number | null, now: number): Promise<boolean> {
  return (await setSearchChat(env.DB, userId, searchId, chatId, now)) !== null;
}

/**
 * Pauses (or mutes) or resumes one search. A paused search's waiting
 * messages are dropped: the user said they do not want them.
 *
 * @returns false when it is not the user's
 */
export async function setSearchState(env: Deps, userId: number, searchId: number, active: boolean, now: number): Promise<boolean> {
  const changed = await setSearchActive(env.DB, userId, searchId, active, now);
  if (changed && !active) await searchNotifier(env, userId, changed).dropSearches([searchId]);
  return changed !== null;
}

/** Deletes one of the user's searches and drops its waiting messages. @returns false when it is not theirs */
export async function removeSearch(env: Deps, userId: number, searchId: number): Promise<boolean> {
  const removed = await deleteSearch(env.DB, userId, searchId);
  if (removed) await searchNotifier(env, userId, removed).dropSearches([searchId]);
  return removed !== null;
}
