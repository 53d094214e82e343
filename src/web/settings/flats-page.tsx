import type { FC } from "hono/jsx";
import type { FlatPrice } from "../../db/listings.ts";
import type { SentFlat } from "../../db/notifications.ts";
import type { Language } from "../../model/language.ts";
import { formatAge, formatPrice, formatSignedPct, texts } from "../../model/texts/index.ts";
import { Layout } from "./pages.tsx";

/** One flat the user was sent and the prices it was asked at, oldest first. */
export interface FlatHistory {
  flat: SentFlat;
  prices: readonly FlatPrice[];
}

/** "2 990 zł → 2 900 zł (−3 %)": each change from the first price we saw. */
function historyLine(prices: readonly FlatPrice[], language: Language): string {
  const first = prices[0];
  const last = prices.at(-1);
  const steps = prices.map((p) => formatPrice(p.price, p.currency, language)).join(" → ");
  if (!first || !last || prices.length < 2) return steps;
  return `${steps} (${formatSignedPct(((last.price - first.price) / first.price) * 100)})`;
}

/**
 * The flats the user was sent lately, each with its price history (flat_prices: every ad of the
 * flat, on either site), so a drop that was not worth a message (under their threshold) is seen too.
 */
export const FlatsPage: FC<{ flats: readonly FlatHistory[]; language: Language; now: number }> = ({ flats, language, now }) => {
  const w = texts(language).settingsPage;
  return (
    <Layout title={w.flatsTitle} language={language}>
      <h1>{w.flatsTitle}</h1>
      <p>
        <a href="/app">{w.back}</a>
      </p>
      {flats.length === 0 ? (
        <p>{w.flatsNone}</p>
      ) : (
        <ol>
          {flats.map(({ flat, prices }) => (
            <li>
              <a href={flat.url} rel="noopener noreferrer">
                {flat.title}
              </a>
              <div class="paused">{[flat.district, flat.city].filter(Boolean).join(", ")} · {w.sentAgo(formatAge(now - flat.sentAt, language))}</div>
              <div>{prices.length ? historyLine(prices, language) : w.priceUnknown}</div>
            </li>
          ))}
        </ol>
      )}
    </Layout>
  );
};
