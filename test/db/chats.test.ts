import { env } from "cloudflare:workers";
import { beforeEach, describe, it } from "vitest";
import { type Backup, BACKUP_VERSION, backupSchema, readBackup, restoreBackup } from "../../src/db/backup.ts";
import { chatGoneStatements, upsertChat, usableChats } from "../../src/db/chats.ts";
import { loadActiveSearches } from "../../src/db/saved-searches.ts";
import { cityId, db, resetDb, seedSearch, seedUser } from "../helpers/seed.ts";

beforeEach(async () => {
  await resetDb();
  await env.DB.prepare("DELETE FROM chats").run();
});

const GROUP = -4_100;

describe("a search that delivers to a group", () => {
  it("is loaded with the owner's settings and the group's chat as its recipient, until the bot leaves", async ({ expect }) => {
    const owner = await seedUser({ language: "en", quietStartMin: 60, quietEndMin: 120, digestThreshold: 4 });
    await upsertChat(db(), { chatId: GROUP, title: "Us", type: "supergroup", addedBy: owner.id, now: 1 });
    const inGroup = await seedSearch(owner.id, { city: "warszawa", chatId: GROUP });
    const own = await seedSearch(owner.id, { city: "warszawa" });
    const warszawa = await cityId("warszawa");
    const recipients = async () => Object.fromEntries((await loadActiveSearches(env.DB, [warszawa])).map((s) => [s.id, s.recipient]));

    const base = { userId: owner.id, language: "en", isMock: false, quietHours: { startMin: 60, endMin: 120 }, digestThreshold: 4, priceDropPct: null };
    expect(await recipients()).toEqual({ [inGroup.id]: { ...base, chatId: GROUP, group: true }, [own.id]: { ...base, chatId: owner.chatId } });
    expect((await usableChats(db(), owner.id)).map((c) => c.chatId)).toEqual([GROUP]);

    // Telegram's 403 to the group's Notifier runs the same statements as a removal.
    await env.DB.batch(chatGoneStatements(env.DB, GROUP, 2));
    expect(await recipients()).toEqual({ [inGroup.id]: { ...base, chatId: owner.chatId }, [own.id]: { ...base, chatId: owner.chatId } });
    expect(await usableChats(db(), owner.id)).toEqual([]);
  });
});

describe("backups with chats", () => {
  it("round-trips chats, and restores a search whose chat the export lacks to its owner's private chat", async ({ expect }) => {
    const owner = await seedUser();
    await upsertChat(db(), { chatId: GROUP, title: "Us", type: "group", addedBy: owner.id, now: 1 });
    const search = await seedSearch(owner.id, { city: "warszawa", chatId: GROUP });
    const backup = await readBackup(db(), 10);
    expect(backup).toMatchObject({ version: BACKUP_VERSION, chats: [{ chatId: GROUP, title: "Us", addedBy: owner.id }], savedSearches: [{ id: search.id, chatId: GROUP }] });

    await resetDb();
    await env.DB.prepare("DELETE FROM chats").run();
    expect(await restoreBackup(db(), backup)).toEqual({ users: 1, chats: 1, savedSearches: 1 });
    expect(await env.DB.prepare("SELECT chat_id FROM saved_searches WHERE id = ?").bind(search.id).first()).toEqual({ chat_id: GROUP });

    await resetDb();
    await env.DB.prepare("DELETE FROM chats").run();
    const withoutChat: Backup = { ...backup, chats: [] };
    expect(await restoreBackup(db(), withoutChat)).toEqual({ users: 1, chats: 0, savedSearches: 1 });
    expect(await env.DB.prepare("SELECT chat_id FROM saved_searches WHERE id = ?").bind(search.id).first()).toEqual({ chat_id: null });
  });

  it("still reads and restores a version 1 export (no chats, no chat_id)", async ({ expect }) => {
    const owner = await seedUser();
    const search = await seedSearch(owner.id, { city: "warszawa" });
    const current = await readBackup(db(), 10);
    const { chats: _chats, ...rest } = current;
    const v1 = JSON.parse(JSON.stringify({ ...rest, version: 1, savedSearches: current.savedSearches.map(({ chatId: _c, ...s }) => s) })) as unknown;
    const parsed = backupSchema.parse(v1);
    expect(parsed.chats).toEqual([]);
    await resetDb();
    expect(await restoreBackup(db(), parsed)).toEqual({ users: 1, chats: 0, savedSearches: 1 });
    expect(await env.DB.prepare("SELECT chat_id FROM saved_searches WHERE id = ?").bind(search.id).first()).toEqual({ chat_id: null });
  });
});
