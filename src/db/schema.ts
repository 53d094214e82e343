import { sql } from "drizzle-orm";
import { type AnySQLiteColumn, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Deal, Property, Source } from "../model/listing.ts";
import type { SearchProperty } from "../model/search.ts";

// Times are integers: milliseconds since the epoch (UTC). Booleans are 0/1.
const bool = (name: string) => integer(name, { mode: "boolean" });

/** A Telegram user who talks to the bot. */
export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    telegramId: integer("telegram_id").notNull(),
    chatId: integer("chat_id").notNull(),
    language: text("language", { enum: ["pl", "en"] }).notNull().default("pl"),
    /** All notifications paused by the user (/pause). */
    paused: bool("paused").notNull().default(false),
    /** Set when Telegram answered 403: the user blocked the bot. Data is kept. */
    blockedAt: integer("blocked_at"),
    /** Synthetic load-test user: messages are recorded, not sent, whatever TELEGRAM_MODE says. */
    isMock: bool("is_mock").notNull().default(false),
    isAdmin: bool("is_admin").notNull().default(false),
    /** Quiet hours, Europe/Warsaw minutes after midnight; both null: none. */
    quietStartMin: integer("quiet_start_min"),
    quietEndMin: integer("quiet_end_min"),
    /** More queued messages than this go out as one digest; null: the default (10). */
    digestThreshold: integer("digest_threshold"),
    /** A flat sent to the user that gets at least this much cheaper (%) is sent again as a reply; null: the default (3). */
    priceDropPct: real("price_drop_pct"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("users_telegram_id_uq").on(t.telegramId)],
);

/**
 * Cities and their districts: names users type, the ids OLX wants, the path
 * Otodom wants, and a centroid for radius checks on listings without coordinates.
 */
export const locations = sqliteTable(
  "locations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", { enum: ["city", "district"] }).notNull(),
    /** "warszawa", or "warszawa/mokotow" for a district. */
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    parentId: integer("parent_id").references((): AnySQLiteColumn => locations.id),
    olxCityId: integer("olx_city_id"),
    olxRegionId: integer("olx_region_id"),
    /** The voivodeship, folded ("dolnoslaskie"): tells apart towns of one name when a site gives only names. */
    region: text("region"),
    olxDistrictId: integer("olx_district_id"),
    /** Otodom's location path, e.g. "mazowieckie/warszawa/warszawa/warszawa". */
    otodomPath: text("otodom_path"),
    lat: real("lat"),
    lon: real("lon"),
  },
  (t) => [uniqueIndex("locations_slug_uq").on(t.slug), index("locations_parent_idx").on(t.parentId)],
);

/**
 * A group or supergroup the bot was added to (my_chat_member): searches can deliver there. Kept
 * when the bot leaves (leftAt), so a search pointed at it can say where it went.
 */
export const chats = sqliteTable("chats", {
  /** Telegram's chat id: negative for groups and supergroups. */
  chatId: integer("chat_id").primaryKey(),
  title: text("title").notNull(),
  type: text("type", { enum: ["group", "supergroup"] }).notNull(),
  /** The user who added the bot (users.id); null: someone who has not started the bot. */
  addedBy: integer("added_by").references(() => users.id, { onDelete: "set null" }),
  /** The bot was removed or the group is gone (Telegram's 403 or my_chat_member); null: the bot is in it. */
  leftAt: integer("left_at"),
  updatedAt: integer("updated_at").notNull(),
});

/** One saved search of one user. The criteria are ANDed; null means "any". */
export const savedSearches = sqliteTable(
  "saved_searches",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    active: bool("active").notNull().default(true),
    /** null: both sources. */
    source: text("source").$type<Source>(),
    deal: text("deal").$type<Deal>().notNull(),
    property: text("property").$type<SearchProperty>().notNull(),
    cityId: integer("city_id")
      .notNull()
      .references(() => locations.id),
    priceMin: real("price_min"),
    priceMax: real("price_max"),
    areaMin: real("area_min"),
    areaMax: real("area_max"),
    roomsMin: integer("rooms_min"),
    roomsMax: integer("rooms_max"),
    pricePerM2Min: real("price_per_m2_min"),
    pricePerM2Max: real("price_per_m2_max"),
    /** JSON array of district names; empty or null: the whole city. */
    districts: text("districts", { mode: "json" }).$type<string[]>(),
    /** Centre and radius of a "near this point" search. */
    lat: real("lat"),
    lon: real("lon"),
    radiusKm: real("radius_km"),
    includeKeywords: text("include_keywords", { mode: "json" }).$type<string[]>(),
    excludeKeywords: text("exclude_keywords", { mode: "json" }).$type<string[]>(),
    privateOnly: bool("private_only").notNull().default(false),
    /** A group chat (chats.chat_id) the search delivers to instead of the owner's private chat; null: the owner's. */
    chatId: integer("chat_id").references(() => chats.chatId, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("saved_searches_user_idx").on(t.userId),
    index("saved_searches_chat_idx").on(t.chatId),
    index("saved_searches_city_active_idx").on(t.cityId, t.active),
  ],
);

/**
 * What one request reads: a newest-first search of one site for one deal and
 * property, as broad as the site serves it (the whole of Poland; a region
 * only where the national feed publishes more than a page between two polls).
 * Derived from the active saved searches, so requests grow with the kinds of
 * search people want, not with cities, searches or users. Each active feed is
 * polled by its own FeedPoller Durable Object; this row is the registry the
 * cron's reconciler keeps, and what /admin shows of it.
 */
export const feeds = sqliteTable(
  "feeds",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    source: text("source").$type<Source>().notNull(),
    deal: text("deal").$type<Deal>().notNull(),
    property: text("property").$type<Property>().notNull(),
    /** "pl": the whole country; else the folded voivodeship the feed is split to. */
    scope: text("scope").notNull().default("pl"),
    /** false when no active search needs it any more: its poller is stopped. */
    active: bool("active").notNull().default(true),
    /** How many active searches want what this feed reads; busy feeds get more of the site's budget. */
    subscribers: integer("subscribers").notNull().default(0),
    /** The requests per minute of the site's budget this feed may spend. */
    sharePerMin: real("share_per_min").notNull().default(0),
    /** The poller's figures as last reported (JSON, src/model/feed.ts PollerStats), copied once a minute. */
    stats: text("stats", { mode: "json" }).$type<unknown>(),
    statsAt: integer("stats_at"),
    createdAt: integer("created_at").notNull().default(0),
  },
  (t) => [uniqueIndex("feeds_key_uq").on(t.source, t.deal, t.property, t.scope), index("feeds_active_idx").on(t.active)],
);

/** Every listing any feed has seen, normalised (src/sources/listing.ts). */
export const listings = sqliteTable(
  "listings",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    source: text("source").$type<Source>().notNull(),
    externalId: text("external_id").notNull(),
    /**
     * Same key for the same ad on both sites: OLX shows Otodom partner ads
     * that link to otodom.pl, and those must not notify twice.
     */
    dedupKey: text("dedup_key").notNull(),
    /** Another listing row already stands for this ad (same dedupKey). */
    duplicateOf: integer("duplicate_of"),
    feedId: integer("feed_id").references(() => feeds.id),
    /** The listing's own city (from its location, src/model/location.ts); null: not a city we know (counted, matched to nothing). */
    cityId: integer("city_id").references(() => locations.id),
    url: text("url").notNull(),
    title: text("title").notNull(),
    price: real("price"),
    /** The price before the last change the poller stored (written by the same update): a drop is queued again. */
    previousPrice: real("previous_price"),
    currency: text("currency"),
    rent: real("rent"),
    areaM2: real("area_m2"),
    rooms: integer("rooms"),
    pricePerM2: real("price_per_m2"),
    floor: integer("floor"),
    city: text("city"),
    district: text("district"),
    lat: real("lat"),
    lon: real("lon"),
    isPrivate: bool("is_private"),
    photoUrl: text("photo_url"),
    deal: text("deal").$type<Deal>(),
    property: text("property").$type<Property>(),
    publishedAt: integer("published_at"),
    /** The platform's first publication, which a bump does not move (src/model/listing.ts). */
    firstListedAt: integer("first_listed_at"),
    /** The platform's last bump when we first stored the ad; null: not bumped. */
    bumpedAt: integer("bumped_at"),
    /** The flat's blocking key (src/model/flat.ts flatBlockKey): candidates for "the same flat" share it. */
    fingerprint: text("fingerprint"),
    /** The flat this ad shows: the dedup key of the first stored ad of the same flat (src/model/flat.ts). */
    flatKey: text("flat_key"),
    firstSeenAt: integer("first_seen_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    /** How many times an upsert touched the row; 1 right after the insert. */
    seenCount: integer("seen_count").notNull().default(1),
    /** false for a feed's baseline and for duplicates: stored, never sent. */
    notify: bool("notify").notNull(),
    enqueuedAt: integer("enqueued_at"),
    filteredAt: integer("filtered_at"),
    inactiveAt: integer("inactive_at"),
  },
  (t) => [
    uniqueIndex("listings_source_external_uq").on(t.source, t.externalId),
    index("listings_dedup_idx").on(t.dedupKey),
    index("listings_feed_idx").on(t.feedId),
    // The sweep's query: saved, meant to be sent, never queued.
    index("listings_unqueued_idx")
      .on(t.firstSeenAt)
      .where(sql`${t.notify} = 1 AND ${t.enqueuedAt} IS NULL`),
    index("listings_first_seen_idx").on(t.firstSeenAt),
    index("listings_city_idx").on(t.cityId),
    index("listings_fingerprint_idx").on(t.fingerprint),
    index("listings_flat_idx").on(t.flatKey),
  ],
);

/**
 * The asking prices a flat was seen at, newest last, at most FLAT_PRICE_HISTORY rows a flat
 * (src/db/flat-prices.ts): a row each time one of its ads was stored with another price.
 */
export const flatPrices = sqliteTable(
  "flat_prices",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    flatKey: text("flat_key").notNull(),
    price: real("price").notNull(),
    currency: text("currency"),
    /** The ad that showed this price. */
    listingId: integer("listing_id")
      .notNull()
      .references(() => listings.id),
    seenAt: integer("seen_at").notNull(),
  },
  (t) => [index("flat_prices_flat_idx").on(t.flatKey, t.seenAt), index("flat_prices_listing_idx").on(t.listingId)],
);

/**
 * The median price per m² of comparable flats seen in the last 90 days, recomputed by the cron
 * (src/db/price-medians.ts); the listing card compares with it (src/model/price-median.ts).
 * `district` "" is the whole city.
 */
export const priceMedians = sqliteTable(
  "price_medians",
  {
    deal: text("deal").$type<Deal>().notNull(),
    property: text("property").$type<Property>().notNull(),
    cityId: integer("city_id")
      .notNull()
      .references(() => locations.id),
    district: text("district").notNull(),
    /** 1, 2, 3, or 4 for four rooms and more. */
    roomsBand: integer("rooms_band").notNull(),
    medianPerM2: real("median_per_m2").notNull(),
    /** Flats in the sample (one per flat, however many ads it had). */
    n: integer("n").notNull(),
    computedAt: integer("computed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.deal, t.property, t.cityId, t.district, t.roomsBand] })],
);

/**
 * One listing matched for one user: the unit of delivery. Written twice:
 * inserted by the filter ("pending"), updated once with the outcome by the
 * user's Notifier. Every index entry is a row written too, so there are only
 * the three that queries need.
 */
export const notifications = sqliteTable(
  "notifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    listingId: integer("listing_id")
      .notNull()
      .references(() => listings.id),
    /**
     * The first of the user's searches that matched. No foreign key: a
     * deleted search's rows keep its id (readers join and find none), and no
     * index is written for every match to make a search's deletion fast.
     */
    searchId: integer("search_id"),
    matchedAt: integer("matched_at").notNull(),
    /** When it entered the user's Notifier outbox; written with the outcome. */
    handedAt: integer("handed_at"),
    /** Telegram accepted it (or mock mode recorded it). */
    sentAt: integer("sent_at"),
    /** pending: matched, not yet sent (handed over or not: the Notifier's outbox knows). */
    status: text("status", { enum: ["pending", "sent", "failed", "dropped", "merged"] })
      .notNull()
      .default("pending"),
    /** Sent inside a digest rather than on its own. */
    digest: bool("digest").notNull().default(false),
    mock: bool("mock").notNull().default(false),
    /** An attempt's outcome was unknown (a timeout after the request left): the user may have it twice. */
    uncertain: bool("uncertain").notNull().default(false),
    error: text("error"),
    errorCode: integer("error_code"),
  },
  (t) => [
    uniqueIndex("notifications_user_listing_uq").on(t.userId, t.listingId),
    index("notifications_listing_idx").on(t.listingId),
    index("notifications_sent_idx").on(t.sentAt).where(sql`${t.sentAt} IS NOT NULL`),
  ],
);

/** Queue messages that failed every retry (from the dead-letter queue). */
export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    queue: text("queue").notNull(),
    body: text("body").notNull(),
    attempts: integer("attempts").notNull(),
    receivedAt: integer("received_at").notNull(),
    /** When it was put back on its queue (/admin, `npm run dlq:replay`); null: not yet. */
    replayedAt: integer("replayed_at"),
  },
  (t) => [index("dead_letters_received_idx").on(t.receivedAt)],
);

/** Small counters shared by all isolates, e.g. the saved-search version the filter cache checks. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: integer("value").notNull(),
});

/**
 * A conversation in progress with the bot (the /new wizard, a pasted link
 * awaiting confirmation, an edit): in D1, not isolate memory, so a restart
 * mid-wizard loses nothing. One per user; abandoned ones expire.
 */
export const botFlows = sqliteTable(
  "bot_flows",
  {
    telegramId: integer("telegram_id").primaryKey(),
    kind: text("kind", { enum: ["new", "link", "edit"] }).notNull(),
    /** The question the user is answering (src/bot/wizard/steps.ts), or "confirm". */
    step: text("step").notNull(),
    /** The search as answered so far and what the flow remembers about it (src/bot/wizard/flow.ts), JSON. */
    state: text("state").notNull(),
    /** The saved search being edited; null for a new one. */
    searchId: integer("search_id"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("bot_flows_updated_idx").on(t.updatedAt)],
);

/**
 * Fixed-window counters, one row per thing limited (src/db/rate-limits.ts):
 * `bot:<telegram id>` for the bot's politeness limit, `admin-login:<address>`
 * for /admin sign-ins. Pruned once an hour.
 */
export const rateLimits = sqliteTable(
  "rate_limits",
  {
    key: text("key").primaryKey(),
    windowStart: integer("window_start").notNull(),
    hits: integer("hits").notNull(),
  },
  (t) => [index("rate_limits_window_idx").on(t.windowStart)],
);

/** Settings-page login links already used (single use); kept until they would have expired anyway. */
export const usedLoginLinks = sqliteTable(
  "used_login_links",
  {
    nonce: text("nonce").primaryKey(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("used_login_links_expires_idx").on(t.expiresAt)],
);
