/**
 * `npm start`: the whole pipeline on this machine, no credentials, no network.
 *
 *   fake OLX      http://127.0.0.1:9301  (real captures, new listings every few seconds)
 *   fake Otodom   http://127.0.0.1:9302
 *   fake Telegram http://127.0.0.1:9303  (Bot API with real limits; open it in a browser for the chat)
 *   the Worker    http://127.0.0.1:8787  (wrangler dev: local D1, Queues, Durable Objects)
 *
 * Local D1 is migrated and a demo user with two saved searches is seeded; the
 * cron is fired like Cloudflare would: its reconciler starts a FeedPoller per
 * national feed, which polls every few seconds within the sites' budgets.
 * Messages the bot sends are printed here as they arrive. Besides new flats the
 * fakes publish reposts, bumps and price drops (sim/flat-events.ts): a repost
 * comes as no second card (its link is added to the first card's buttons), a
 * drop of 3 % or more as a 📉 reply to the flat's first message.
 *
 * `npm start -- --blocked`: the same, with both fakes behind a fake anti-bot
 * (sim/anti-bot.ts) that, a minute in, refuses the Worker's own fetch with
 * the real CloudFront and DataDome block pages, and the relay (relay/, impit
 * impersonating Chrome) on :9304, which it lets through; both sites'
 * chains are "direct,relay". Each feed moves to the relay, the admin chat
 * (chat 1) is told once per site, and no listing published meanwhile is lost.
 */
import { readFileSync } from "node:fs";
import { impitClient } from "../relay/src/impit-client.ts";
import { listen } from "../relay/src/node-server.ts";
import { createRelay } from "../relay/src/relay.ts";
import { refuseNonBrowsers } from "../sim/anti-bot.ts";
import { createFakeTelegram, type FakeTelegramMessage } from "../sim/fake-telegram.ts";
import { type SiteTarget, createFlatEvents } from "../sim/flat-events.ts";
import { prng } from "../sim/random.ts";
import { serve } from "../sim/serve.ts";
import { createFakeSites, fireCron as fireCronOnce, startWorker, waitForWorker, wranglerSync } from "../sim/world.ts";
import { localSecrets } from "./lib/dev-vars.ts";

const PORT = { olx: 9301, otodom: 9302, telegram: 9303, relay: 9304, worker: 8787 };
const BLOCKED = process.argv.includes("--blocked");
const BLOCK_AFTER_MS = 60_000; // the baselines are taken by then
const PUBLISH_PER_MINUTE = 8; // per site
const CRON_EVERY_MS = 60_000; // as Cloudflare fires it: the reconciler; the pollers poll on their own alarms

const wrangler = (args: string[]) => void wranglerSync(args);

console.log("▶ migrating local D1 and seeding the demo user");
wrangler(["d1", "migrations", "apply", "DB", "--local"]);
wrangler(["d1", "execute", "DB", "--local", "--file", "scripts/demo-seed.sql"]);

const now = Date.now();
const { olx, otodom } = createFakeSites({ initial: 20, now });
// Besides new flats, what real feeds carry (sim/flat-events.ts): reposts, bumps, price drops, some
// under the 3 % threshold. The demo searches are one site each, so no cross-posts.
const events = createFlatEvents({ olx, otodom, shares: { repost: 0.15, crossPost: 0, bump: 0.05, drop: 0.1, smallDrop: 0.05 }, random: prng(Date.now() % 1_000_003), counterpart: () => null });
const publishEvery = (where: SiteTarget, from: number) =>
  setTimeout(() => {
    events.publish(where, Date.now());
    setInterval(() => events.publish(where, Date.now()), 60_000 / PUBLISH_PER_MINUTE);
  }, from - Date.now());
publishEvery({ site: "olx", target: {} }, now + 15_000);
publishEvery({ site: "otodom", target: {} }, now + 20_000);
const telegram = createFakeTelegram({});

let printed = 0;
let printedEdits = 0;
const plain = (html: string) => html.replace(/<[^>]+>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
function printNewMessages() {
  for (; printed < telegram.messages.length; printed++) {
    const m = telegram.messages[printed] as FakeTelegramMessage;
    const reply = m.reply_to === null ? "" : `, a reply to message ${m.reply_to}`;
    console.log(`\n📨 ${new Date(m.at).toLocaleTimeString("pl-PL")} → chat ${m.chat_id} (${m.method} #${m.message_id}${reply})\n${plain(m.caption ?? m.text ?? "")}`);
  }
  for (; printedEdits < telegram.edits.length; printedEdits++) {
    const e = telegram.edits[printedEdits];
    const buttons = (e?.reply_markup as { inline_keyboard?: { text: string }[][] } | null)?.inline_keyboard?.flat().map((b) => b.text) ?? [];
    console.log(`\n✏️  → chat ${e?.chat_id}: message #${e?.message_id}'s buttons now: ${buttons.join(" | ")}`);
  }
}

const blockPage = (name: string) => readFileSync(new URL(`../test/fixtures/blocked/${name}`, import.meta.url), "utf8");
const gates = {
  olx: refuseNonBrowsers(olx.handle, "cloudfront", blockPage("cloudfront-request-blocked-2025.html")),
  otodom: refuseNonBrowsers(otodom.handle, "datadome", blockPage("datadome-captcha-2026.html")),
};
for (const gate of Object.values(gates)) gate.setActive(false);
await serve(gates.olx.handle, PORT.olx);
await serve(gates.otodom.handle, PORT.otodom);
await serve(async (request) => {
  const url = new URL(request.url);
  if (request.method === "GET" && url.pathname === "/") return chatPage(telegram.messages);
  const response = await telegram.handle(request);
  printNewMessages();
  return response;
}, PORT.telegram);
console.log(`▶ fakes up: OLX :${PORT.olx}, Otodom :${PORT.otodom}, Telegram :${PORT.telegram} (open http://127.0.0.1:${PORT.telegram}/)`);

const vars: Record<string, string> = {
  OLX_BASE_URL: `http://127.0.0.1:${PORT.olx}`,
  OTODOM_BASE_URL: `http://127.0.0.1:${PORT.otodom}`,
  TELEGRAM_API_ROOT: `http://127.0.0.1:${PORT.telegram}`,
  TELEGRAM_MODE: "live",
  TELEGRAM_BOT_TOKEN: "100001:local-fake-token",
  ADMIN_CHAT_ID: "1",
};
if (BLOCKED) {
  const relaySecret = "local-relay-secret-for-npm-start";
  await listen(createRelay({
    secret: relaySecret,
    allowedHosts: ["127.0.0.1"],
    client: impitClient("chrome"),
    // A page every few seconds: only what is not a plain success is worth a line here.
    log: (entry) => (entry.event === "relay_fetch" && entry.status === 200 ? undefined : console.log("relay:", JSON.stringify(entry))),
  }), PORT.relay, "127.0.0.1");
  Object.assign(vars, { OLX_FETCHERS: "direct,relay", OTODOM_FETCHERS: "direct,relay", RELAY_URL: `http://127.0.0.1:${PORT.relay}`, RELAY_SECRET: relaySecret });
  setTimeout(() => {
    for (const gate of Object.values(gates)) gate.setActive(true);
    console.log(`\n🛑 the fake sites now refuse the Worker's own fetch (real CloudFront / DataDome block pages); the relay on :${PORT.relay} gets through`);
  }, BLOCK_AFTER_MS);
  setInterval(() => console.log(`   anti-bot refusals so far: OLX ${gates.olx.refused}, Otodom ${gates.otodom.refused}`), 60_000).unref();
  console.log(`▶ relay up on :${PORT.relay} (impit, Chrome fingerprint); the anti-bot switches on in ${BLOCK_AFTER_MS / 1000} s`);
}
const secrets = localSecrets(vars);
if (secrets.warning) console.warn(secrets.warning);
const dev = startWorker({ port: PORT.worker, vars: { ...vars, ...secrets.vars } });
const stop = () => {
  dev.kill("SIGTERM");
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
dev.on("exit", (code) => process.exit(code ?? 1));

const worker = `http://127.0.0.1:${PORT.worker}`;
await waitForWorker(worker, { timeoutMs: 60_000 });
console.log(`▶ worker up at ${worker}; firing the cron every ${CRON_EVERY_MS / 1000} s. The first poll of each feed is its baseline (stored, not sent);`);
console.log(`  after that every new listing matching the demo searches arrives below within seconds. Ctrl-C stops.`);

const fireCron = async () => {
  try {
    await fireCronOnce(worker);
  } catch (error) {
    console.error("cron trigger failed:", error);
  }
};
void fireCron();
setInterval(fireCron, CRON_EVERY_MS);

function chatPage(messages: readonly FakeTelegramMessage[]): Response {
  const items = messages
    .map((m) => {
      const photo = m.photo ? `<img src="${m.photo.replace(/"/g, "&quot;")}" alt="">` : "";
      return `<li>${photo}<div><small>${new Date(m.at).toLocaleTimeString("pl-PL")} · chat ${m.chat_id}</small><p>${(m.caption ?? m.text ?? "").replace(/\n/g, "<br>")}</p></div></li>`;
    })
    .reverse()
    .join("");
  const html = `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="3"><title>GetMeOne · fake Telegram</title>
<style>body{font:15px system-ui;max-width:720px;margin:2em auto}li{display:flex;gap:1em;list-style:none;border-bottom:1px solid #ddd;padding:1em 0}img{width:160px;object-fit:cover}</style>
<h1>Messages the bot sent (${messages.length})</h1><ul>${items}</ul>`;
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
}
