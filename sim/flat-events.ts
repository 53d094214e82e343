/**
 * What real feeds carry besides new flats, mixed into the fakes' publication: reposts (the same
 * flat again on one site under a new id), cross-posts (the same flat on the other site), bumps
 * (an old ad paid to the top again) and price drops of ads already published. The bench
 * (bench/world-run.ts) hands every publication slot to `publish`, which fills it by the shares.
 *
 * A flat has at most one such event: whether a reply is due then depends on one price against
 * the one the chat was told, never on a chain of small changes adding up near the threshold.
 *
 * The poller reads only the newest pages of a feed, so a price drop is applied to an ad still
 * on the first page of its feed, or together with a bump that puts it back there (as a seller
 * lowering the price of an older ad often does); otherwise nobody could see it.
 */
import { type FakeOlx, type OlxTarget } from "./fake-olx.ts";
import { type FakeOtodom, type OtodomTarget } from "./fake-otodom.ts";
import { type FlatAd, crossPostOf, repostOf, repostPriceFactor } from "./flats.ts";

/** A listing's site and where on it: the bench's feed targets (bench/targets.ts) have this shape. */
export type SiteTarget = { site: "olx"; target: Partial<OlxTarget> } | { site: "otodom"; target: Partial<OtodomTarget> };

/** Of all publication slots, the share of each event (the rest are new flats). */
export interface FlatEventShares {
  /** The same flat on the same site under a new id: price ±0-5 %, the title reworded, new photo files. */
  repost: number;
  /** The same flat on the other site: the same photo files, price 1-2.5 % off. */
  crossPost: number;
  /** An older ad pushed to the top of its feed. */
  bump: number;
  /** An ad's price lowered 4-12 %: each chat that had the flat is due one reply. */
  drop: number;
  /** An ad's price lowered 1-2 %: under the 3 % threshold, nothing is due. */
  smallDrop: number;
}

export const NO_FLAT_EVENTS: FlatEventShares = { repost: 0, crossPost: 0, bump: 0, drop: 0, smallDrop: 0 };

export type FlatEventKind = "new" | keyof FlatEventShares;

export interface FlatEventsOptions {
  olx: FakeOlx;
  otodom: FakeOtodom;
  shares: FlatEventShares;
  random: () => number;
  /** Where the other site lists flats of `where`'s city and deal; null: nowhere a cross-post would be read. */
  counterpart: (where: SiteTarget) => SiteTarget | null;
  /** Ads of a feed this many from its newest are on its first page (fake OLX: 39, fake Otodom: 36, less the promoted ones). Default 30. */
  firstPage?: number;
  /** A price drops only on an ad at least this old, so its first card went out at its first price. Default 15 s. */
  minAgeMs?: number;
}

export interface FlatEvents {
  /** Fills one publication slot at `at` under `where`: a new flat, or by the shares one of the events. */
  publish(where: SiteTarget, at: number): FlatEventKind;
  /** Slots filled so far, by what filled them. */
  readonly counts: Readonly<Record<FlatEventKind, number>>;
}

/** An ad the mixer published, as far as it needs to know it. */
interface Entry {
  where: SiteTarget;
  id: number;
  ad: FlatAd;
  price: number | null;
  publishedAt: number;
  /** The national feed it is listed on (what one first page covers). */
  feed: string;
}

const round10 = (n: number) => Math.round(n / 10) * 10;

export function createFlatEvents(o: FlatEventsOptions): FlatEvents {
  const firstPage = o.firstPage ?? 30;
  const minAgeMs = o.minAgeMs ?? 15_000;
  const counts: Record<FlatEventKind, number> = { new: 0, repost: 0, crossPost: 0, bump: 0, drop: 0, smallDrop: 0 };
  /** The ads published under each target, oldest first. */
  const byTarget = new Map<string, Entry[]>();
  /** Each national feed's ads in the order they reached its top (publication or bump), newest last. */
  const tops = new Map<string, Entry[]>();
  /** Flats that had their one event, and how many ads each flat has. */
  const touched = new Set<string>();
  const adsOf = new Map<string, number>();

  const targetKey = (where: SiteTarget) => `${where.site}|${JSON.stringify(where.target)}`;
  const feedOf = (where: SiteTarget) => (where.site === "olx" ? `olx:${where.target.categoryId ?? "default"}` : `otodom:${where.target.deal ?? "default"}:${where.target.estate ?? ""}`);

  function toTop(e: Entry): void {
    const list = tops.get(e.feed) ?? [];
    const at = list.indexOf(e);
    if (at >= 0) list.splice(at, 1);
    list.push(e);
    tops.set(e.feed, list);
  }

  const onFirstPage = (e: Entry) => (tops.get(e.feed) ?? []).slice(-firstPage).includes(e);

  function record(where: SiteTarget, id: number, at: number): Entry {
    const site = where.site === "olx" ? o.olx : o.otodom;
    const listing = site.listings.at(-1);
    if (!listing || listing.id !== id) throw new Error("flat events: the fake did not publish where expected");
    const e: Entry = { where, id, ad: listing.ad, price: listing.firstPrice, publishedAt: at, feed: feedOf(where) };
    const key = targetKey(where);
    byTarget.set(key, [...(byTarget.get(key) ?? []), e]);
    adsOf.set(e.ad.flat.id, (adsOf.get(e.ad.flat.id) ?? 0) + 1);
    toTop(e);
    return e;
  }

  function publishAd(where: SiteTarget, ad: FlatAd | null, at: number): Entry {
    const id =
      where.site === "olx"
        ? (ad ? o.olx.publishAd(ad, at, where.target) : o.olx.publish(1, at, where.target)[0])
        : ad
          ? o.otodom.publishAd(ad, at, where.target)
          : o.otodom.publish(1, at, where.target)[0];
    return record(where, id as number, at);
  }

  /** An untouched ad published under `where` that `fits`, drawn at random (a few tries); null: none. */
  function candidate(where: SiteTarget, fits: (e: Entry) => boolean): Entry | null {
    const list = byTarget.get(targetKey(where)) ?? [];
    for (let tries = 0; tries < 12 && list.length > 0; tries++) {
      const e = list[Math.floor(o.random() * list.length)] as Entry;
      if (!touched.has(e.ad.flat.id) && fits(e)) return e;
    }
    return null;
  }

  function kindOf(x: number): FlatEventKind {
    for (const kind of ["repost", "crossPost", "bump", "drop", "smallDrop"] as const) if ((x -= o.shares[kind]) < 0) return kind;
    return "new";
  }

  function attempt(kind: FlatEventKind, where: SiteTarget, at: number): boolean {
    if (kind === "new") return false;
    if (kind === "repost") {
      const e = candidate(where, () => true);
      if (!e) return false;
      touched.add(e.ad.flat.id);
      publishAd(where, repostOf(e.ad, adsOf.get(e.ad.flat.id) ?? 1, repostPriceFactor(o.random)), at);
      return true;
    }
    if (kind === "crossPost") {
      const other = o.counterpart(where);
      const e = other && candidate(where, () => true);
      if (!other || !e) return false;
      touched.add(e.ad.flat.id);
      publishAd(other, crossPostOf(e.ad, o.random), at);
      return true;
    }
    if (kind === "bump") {
      const e = candidate(where, (x) => !onFirstPage(x));
      if (!e) return false;
      touched.add(e.ad.flat.id);
      (e.where.site === "olx" ? o.olx : o.otodom).bump(e.id, at);
      toTop(e);
      return true;
    }
    const e = candidate(where, (x) => x.price !== null && at - x.publishedAt >= minAgeMs);
    if (!e || e.price === null) return false;
    touched.add(e.ad.flat.id);
    const pct = kind === "drop" ? 0.04 + o.random() * 0.08 : 0.01 + o.random() * 0.01;
    const bump = !onFirstPage(e);
    (e.where.site === "olx" ? o.olx : o.otodom).changePrice(e.id, at, round10(e.price * (1 - pct)), { bump });
    if (bump) toTop(e);
    return true;
  }

  return {
    publish(where, at) {
      const kind = kindOf(o.random());
      if (attempt(kind, where, at)) {
        counts[kind]++;
        return kind;
      }
      publishAd(where, null, at);
      counts.new++;
      return "new";
    },
    counts,
  };
}
