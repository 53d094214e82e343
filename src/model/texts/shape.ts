import type { Deal, Source } from "../listing.ts";
import type { AccountProblem } from "../recipient.ts";
import type { DraftField, DraftProblem, LinkProblem, SearchProperty } from "../search.ts";

/**
 * Every user-facing text in one language: what the notifier, the bot and the
 * settings page say. pl.ts and en.ts each hold one table of this shape, so the
 * type checker refuses a text one language lacks. Plain text unless a field
 * says HTML: values passed in, and the result, are escaped by the caller.
 */
export interface Texts {
  format: FormatTexts;
  notifier: NotifierTexts;
  bot: BotTexts;
  search: SearchTexts;
  summary: SummaryTexts;
  wizard: WizardTexts;
  settingsPage: SettingsPageTexts;
  commands: CommandTexts;
  groups: GroupTexts;
}

/** The words inside numbers and lengths of time (format.ts). */
export interface FormatTexts {
  /** Between a number's whole part and its decimals. */
  decimalMark: string;
  /** Whole hours, under a day: "3 godz.". */
  hours: (n: number) => string;
  /** Whole days: "2 dni". */
  days: (n: number) => string;
  /** Whole weeks, from two weeks on: "3 tygodnie". */
  weeks: (n: number) => string;
  /** An age under a minute. */
  justNow: string;
  /** An age as a duration before now: "5 min temu". */
  ago: (duration: string) => string;
}

/** The listing card and the digest (src/telegram/render.ts). */
export interface NotifierTexts {
  rentExtra: (amount: string) => string;
  rooms: (n: number) => string;
  published: (age: string) => string;
  /** A bumped ad's first publication: "first listed 3 weeks ago". */
  firstListed: (age: string) => string;
  /**
   * The price per m² against comparable flats: "−12 % vs median, Mokotów, 2 rooms (n=143)".
   * @param pct signed text ("−12 %", "+5 %"); place the district or city; band 4 means "4 and more"
   */
  vsMedian: (pct: string, place: string, band: number, n: number) => string;
  searchLabel: string;
  priceUnknown: string;
  openButton: string;
  muteButton: string;
  digestHeader: (n: number) => string;
  /**
   * A reply to a flat's first message: it got cheaper. "Price down: 2 990 zł → 2 900 zł (−3 %)".
   * @param from, to formatted prices; pct signed text
   */
  priceDropped: (from: string, to: string, pct: string) => string;
  /** A reply to a flat's first message: another ad of it, on another site. "Also on Otodom". */
  alsoOn: (site: string) => string;
  /** A later ad's button on the flat's card: "Otodom · 2 900 zł". */
  adButton: (site: string, price: string) => string;
}

/** The bot's own words (src/bot/): replies, questions and buttons. */
export interface BotTexts {
  /** HTML. */
  welcome: string;
  help: string;
  langSet: string;
  langUsage: string;
  /** @param dropped messages that were waiting in the outbox and will not be sent */
  paused: (dropped: number) => string;
  resumed: string;
  startFirst: string;
  tooFast: string;
  tooLong: (max: number) => string;
  link: Record<LinkProblem, string>;
  unknownCity: (typed: string) => string;
  didYouMean: string;
  /** @param more how many known cities `names` leaves out */
  citiesWeKnow: (names: string, more: number) => string;
  unknownDistricts: (names: string, known: string) => string;
  linkUnderstood: string;
  linkUnused: string;
  olxIdsMissing: string;
  ask: {
    source: string;
    deal: string;
    property: string;
    city: string;
    price: string;
    rooms: string;
    area: string;
    place: string;
    districts: string;
    radius: string;
    keywords: string;
    private: string;
  };
  buttons: {
    both: string;
    any: string;
    skip: string;
    wholeCity: string;
    chooseDistricts: string;
    sendLocation: string;
    save: string;
    edit: string;
    cancel: string;
    yes: string;
    no: string;
    pause: string;
    resume: string;
    delete: string;
    confirmDelete: string;
    keep: string;
    mute: string;
    openSettings: string;
    openMiniApp: string;
  };
  settingsLink: string;
  summaryHeader: string;
  summaryFooter: string;
  whatToChange: string;
  cannotSave: string;
  saved: string;
  updated: string;
  cancelled: string;
  limitReached: (limit: number) => string;
  staleButton: string;
  gone: string;
  failed: string;
  listEmpty: string;
  listHeader: (count: number, limit: number) => string;
  allPausedNote: string;
  searchPaused: (n: number) => string;
  searchResumed: (n: number) => string;
  deleteAsk: string;
  deleted: string;
  deleteUsage: string;
  muted: string;
  stats: (s: { active: number; total: number; week: number; medianDelay: string | null }) => string;
}

/** Words about saved searches, shared by the bot and the settings page. */
export interface SearchTexts {
  fields: Record<DraftField, string>;
  problems: Record<DraftProblem, string>;
  sources: Record<Source | "both", string>;
  deals: Record<Deal, string>;
  properties: Record<SearchProperty, string>;
  any: string;
  wholeCity: string;
  yes: string;
  no: string;
  active: string;
  paused: string;
  km: (n: string) => string;
  nearPoint: (radius: string) => string;
  nearCentre: (radius: string) => string;
}

/** The words of a search's summary (src/searches/summary.ts) beyond its fields' names. */
export interface SummaryTexts {
  /** The names of criteria that are ranges, for both ends at once; also the "what should change?" buttons. */
  price: string;
  area: string;
  rooms: string;
  pricePerM2: string;
  /** A range with a lower end only: "od 2 000 zł". */
  from: (value: string) => string;
  /** A range with an upper end only: "do 3 500 zł". */
  upTo: (value: string) => string;
  /** The unit after a range of rooms in a one-line summary: "2–3 pok.". */
  roomsUnit: string;
}

/** The wizard's words (src/bot/wizard/) beyond the bot's questions and buttons. */
export interface WizardTexts {
  /** The "what should change?" button of both keyword lists (the summary names them apart). */
  keywords: string;
}

/** The settings page (src/web/settings/) beyond the search words it shares with the bot. */
export interface SettingsPageTexts {
  /** The page of flats the user was sent, with their prices; its link on the list page. */
  flatsTitle: string;
  flatsNone: string;
  /** @param age "2 days ago" */
  sentAgo: (age: string) => string;
  priceUnknown: string;
  /** The list page's title. */
  title: string;
  /** The list without searches. */
  none: string;
  /** The link to, and the title of, the form for a new search. */
  add: string;
  editTitle: string;
  edit: string;
  duplicate: string;
  pause: string;
  resume: string;
  remove: string;
  save: string;
  back: string;
  /** The account form's heading. */
  account: string;
  allPaused: string;
  language: string;
  saveAccount: string;
  quietStart: string;
  quietEnd: string;
  quietHint: string;
  digestThreshold: string;
  priceDropPct: string;
  /** Above a refused form. */
  fixBelow: string;
  /** The page for a link that expired, was used or is forged, and for no session. */
  unauthorized: string;
  /** The city select's empty choice. */
  anyCity: string;
  /** Next to a field that takes a list. */
  listHint: string;
  /** Why the account form is refused, next to the field. */
  accountProblems: Record<AccountProblem, string>;
  /** Plain-text 409 when a new or duplicated search would pass the limit. */
  limitReached: (limit: number) => string;
  /** Plain-text 403 when a post lacks a valid CSRF token. */
  staleForm: string;
}

/**
 * Searches that deliver to a group chat (src/bot/membership.ts, src/bot/groups.ts,
 * the settings page's "Deliver to"). Titles passed in are the group's, as Telegram gives them.
 */
export interface GroupTexts {
  /** Posted in a group when the bot is added: how to point a search there. */
  greeting: string;
  /** Told privately to each owner whose searches delivered to a group the bot was removed from. */
  removed: (title: string, searches: number) => string;
  /** The per-search button in /list that opens the group choice. */
  chooseButton: string;
  /** Above the groups a search may be sent to; the search's one-line summary passed in. */
  choose: (search: string) => string;
  /** The choice when the user may use no group. */
  noGroups: string;
  /** The choice back to the user's private chat. */
  myChatButton: string;
  /** Answered after a search was pointed at a group / back at the private chat. */
  pointed: (title: string) => string;
  pointedHome: string;
  /** Refused: the user is not (or no longer) a member, or the bot left the group. */
  notMember: string;
  /** In /list and on the settings page after a search that delivers to a group. */
  deliversTo: (title: string) => string;
  /** /searches in a group: its header, and when none deliver there. */
  listHeader: (title: string, count: number) => string;
  listEmpty: string;
  /** Under the group's /searches: send the presser the list of their own searches to point here. */
  addMineButton: string;
  /** The private message that button sends: the user's searches, each a button that points it at the group. */
  addMine: (title: string) => string;
  /** Answered in the group after that private message went. */
  sentPrivately: string;
  /** A group button pressed by someone who is neither the search's owner nor a group admin. */
  notAllowed: string;
  /** The settings page's select, its private-chat choice, and its refusal of a chat the user may not use. */
  deliverTo: string;
  privateChat: string;
  chatRefused: string;
}

/** The chat's "/" menu (src/bot/commands.ts): each command's description. */
export interface CommandTexts {
  new: string;
  list: string;
  pause: string;
  resume: string;
  delete: string;
  stats: string;
  settings: string;
  lang: string;
  cancel: string;
  help: string;
  /** The group chats' menu: the searches that deliver to the group. */
  searches: string;
}
