/**
 * `npm run telegram:setup` against the fake Bot API (sim/fake-telegram.ts) on
 * 127.0.0.1: what Telegram would be asked, in Node like the script runs.
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { createFakeTelegram } from "../sim/fake-telegram.ts";
import { serve } from "../sim/serve.ts";
import { parseDevVars } from "./lib/dev-vars.ts";
import { setup } from "./telegram-setup.ts";

test("registers the webhook with its secret and the menu in Polish and English", async () => {
  const telegram = createFakeTelegram({ token: "123:abc" });
  const server = await serve(telegram.handle, 0);
  try {
    const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const vars = { TELEGRAM_BOT_TOKEN: "123:abc", TELEGRAM_WEBHOOK_SECRET: "s3cret_-x", PUBLIC_URL: "https://getmeone.example.workers.dev", TELEGRAM_API_ROOT: root };
    const log = await setup(vars, { dropPendingUpdates: true });
    assert.deepEqual(telegram.webhook, {
      url: "https://getmeone.example.workers.dev/telegram/webhook",
      secret_token: "s3cret_-x",
      allowed_updates: ["message", "callback_query", "my_chat_member"],
      drop_pending_updates: true,
    });
    assert.deepEqual(
      telegram.commandSets.map((s) => [s.scope, s.language_code]),
      [[null, "en"], [null, "pl"], [null, null], ["all_group_chats", "en"], ["all_group_chats", "pl"], ["all_group_chats", null]],
    );
    assert.deepEqual((telegram.commandSets[4]?.commands as { command: string }[]).map((c) => c.command), ["searches"]);
    const pl = telegram.commandSets[1]?.commands as { command: string }[];
    assert.deepEqual(pl.map((c) => c.command), ["new", "list", "pause", "resume", "delete", "stats", "settings", "lang", "cancel", "help"]);
    assert.ok(log.every((line) => !line.includes("123:abc")), "the token is never printed");
  } finally {
    server.close();
  }
});

test("refuses to run without what it needs, or with a secret Telegram would refuse", async () => {
  await assert.rejects(setup({}, { dropPendingUpdates: false }), /PUBLIC_URL are needed/);
  await assert.rejects(setup({ TELEGRAM_BOT_TOKEN: "1:a", TELEGRAM_WEBHOOK_SECRET: "no spaces!", PUBLIC_URL: "https://x" }, { dropPendingUpdates: false }), /may hold only/);
});

test("reads .dev.vars lines", () => {
  assert.deepEqual(parseDevVars("# c\nTELEGRAM_BOT_TOKEN=1:a\nPUBLIC_URL = \"https://x\"\n\n"), { TELEGRAM_BOT_TOKEN: "1:a", PUBLIC_URL: "https://x" });
});
