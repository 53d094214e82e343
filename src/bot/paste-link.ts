import { Composer } from "grammy";
import { useDb } from "../db/client.ts";
import { listCities, listDistricts, saveOlxIds } from "../db/locations.ts";
import { citiesToName } from "../model/location.ts";
import { looksLikeLink, parseSearchLink } from "../searches/link/index.ts";
import { olxFriendlyLinks } from "../searches/olx-friendly-links.ts";
import { resolveLink } from "../searches/resolve.ts";
import { escapeHtml } from "../telegram/html.ts";
import type { BotContext } from "./context.ts";
import { goTo } from "./wizard/wizard.ts";

/**
 * A pasted olx.pl or otodom.pl search link becomes a saved-search draft: the
 * bot shows what it understood and what it could not use, and asks to
 * confirm (the wizard's summary, so "change" works the same way).
 */
export const pastedLink = new Composer<BotContext>();

pastedLink.on("message:text", async (ctx, next) => {
  const text = ctx.message.text;
  if (text.startsWith("/") || !looksLikeLink(text)) return next();
  if (!ctx.user) return ctx.reply(ctx.texts.startFirst);
  const parsed = parseSearchLink(text);
  if (!parsed.ok) return ctx.reply(ctx.texts.link[parsed.problem]);

  const env = ctx.env;
  const db = useDb(env.DB);
  const cities = await listCities(db);
  const result = await resolveLink(parsed.link, {
    cities,
    districts: (cityId) => listDistricts(db, cityId),
    olxIds: (segments) => olxFriendlyLinks(env.OLX_BASE_URL, segments),
    saveOlxIds: (cityId, ids) => saveOlxIds(db, cityId, ids),
  });
  if (!result.ok) {
    const known = citiesToName(cities);
    const list = ctx.texts.citiesWeKnow(known.names.join(", "), known.more);
    return ctx.reply(`${escapeHtml(ctx.texts.unknownCity(result.place.slice(0, 80)))}\n${escapeHtml(list)}`, { parse_mode: "HTML" });
  }
  const { draft, cityName, unused, olxIdsMissing } = result.resolved;
  await goTo(ctx, { kind: "link", step: "confirm", draft, searchId: null, reviewing: true, cityName, unused, olxIdsMissing }, "confirm");
});
