import assert from "node:assert/strict";
import { test } from "node:test";
import { describeBackup, readExport } from "./restore.ts";

const user = (id: number, fields = {}) => ({
  id,
  telegramId: 1000 + id,
  chatId: 1000 + id,
  language: "pl",
  paused: false,
  blockedAt: null,
  isMock: false,
  isAdmin: false,
  quietStartMin: null,
  quietEndMin: null,
  digestThreshold: null,
  createdAt: 0,
  ...fields,
});
const search = (id: number, userId: number, active = true) => ({
  id,
  userId,
  name: "",
  active,
  source: null,
  deal: "rent",
  property: "flat",
  cityId: 1,
  priceMin: null,
  priceMax: 3500,
  areaMin: null,
  areaMax: null,
  roomsMin: null,
  roomsMax: null,
  pricePerM2Min: null,
  pricePerM2Max: null,
  districts: ["Mokotów"],
  lat: null,
  lon: null,
  radiusKm: null,
  includeKeywords: null,
  excludeKeywords: [],
  privateOnly: false,
  createdAt: 0,
  updatedAt: 0,
});
const exported = { version: 1, exportedAt: Date.UTC(2026, 10, 20, 3, 17), users: [user(1), user(2, { paused: true })], savedSearches: [search(1, 1), search(2, 1, false), search(3, 2)] };

test("the dry run says what an export holds and what a restore would do", () => {
  const read = readExport("exports/2026-11-20T03:17:00.000Z.json", exported);
  assert.ok(read.ok);
  assert.deepEqual(describeBackup("exports/2026-11-20T03:17:00.000Z.json", read.backup), [
    "export exports/2026-11-20T03:17:00.000Z.json, taken 2026-11-20T03:17:00.000Z",
    "users: 2 (1 paused, 0 blocked the bot)",
    "saved searches: 3 (2 active), of 2 users, at most 2 for one; 0 deliver to a group",
    "group chats: 0 (0 the bot has left)",
    "a restore writes back the users, group chats and searches D1 lacks (by id) and leaves every row D1 has as it is",
  ]);
});

test("an export that does not validate is refused with the reason", () => {
  const orphan = readExport("k", { ...exported, users: [user(1)] });
  assert.equal(orphan.ok, false);
  assert.match(orphan.ok ? "" : orphan.problem, /search 3 belongs to user 2, who is not in the export/);
  const drifted = readExport("k", { ...exported, savedSearches: [{ ...search(1, 1), deal: "swap" }] });
  assert.match(drifted.ok ? "" : drifted.problem, /deal/);
  assert.equal(readExport("k", { ...exported, version: 3 }).ok, false);
});
