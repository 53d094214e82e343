import type { Language } from "../model/language.ts";
import type { LinkProblem } from "../model/search.ts";

/**
 * The bot's own words, per language; Polish is the default. Plain text
 * unless a field says HTML; values passed in are escaped by the caller.
 */
export interface BotTexts {
  /** HTML. */
  welcome: string;
  help: string;
  langSet: string;
  langUsage: string;
  paused: string;
  resumed: string;
  startFirst: string;
  tooFast: string;
  tooLong: (max: number) => string;
  link: Record<LinkProblem, string>;
  unknownCity: (typed: string) => string;
  didYouMean: string;
  citiesWeKnow: (names: string) => string;
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

const pl: BotTexts = {
  welcome: [
    "👋 <b>GetMeOne</b> pilnuje OLX i Otodom za Ciebie.",
    "Gdy pojawi się ogłoszenie pasujące do Twojego wyszukiwania, od razu dostaniesz je tutaj.",
    "Dodaj wyszukiwanie: wklej link do wyników z olx.pl lub otodom.pl albo użyj /new.",
  ].join("\n"),
  help: [
    "Co umiem:",
    "• wklej link do wyników wyszukiwania z olx.pl lub otodom.pl",
    "/new: nowe wyszukiwanie krok po kroku",
    "/list: Twoje wyszukiwania (wstrzymaj, zmień, usuń) · /delete N: usuń",
    "/pause, /resume: wszystkie powiadomienia · /stats: statystyki",
    "/settings: strona ustawień · /lang: język · /cancel: przerwij · /help: ta pomoc",
  ].join("\n"),
  langSet: "Język: polski. (/lang en: English)",
  langUsage: "Użyj /lang pl albo /lang en.",
  paused: "⏸ Powiadomienia wstrzymane. /resume je wznowi; wyszukiwania zostają.",
  resumed: "▶️ Powiadomienia wznowione.",
  startFirst: "Najpierw /start.",
  tooFast: "Zwolnij trochę 🙂 Odpowiem na kolejne wiadomości za kilka sekund.",
  tooLong: (max) => `Ta wiadomość jest za długa (najwyżej ${max} znaków). Wklej sam link albo krótką odpowiedź.`,
  link: {
    not_a_link: "To nie wygląda na link.",
    other_site: "Obsługuję tylko linki do wyników wyszukiwania z olx.pl i otodom.pl.",
    not_a_search: "To link do ogłoszenia albo strony, nie do wyników wyszukiwania. Ustaw filtry na olx.pl lub otodom.pl i wklej link do listy wyników.",
    unsupported_category:
      "Tej kategorii nie obserwuję. Na OLX: mieszkania na sprzedaż lub wynajem; na Otodom: mieszkania, domy, pokoje i działki, na sprzedaż lub wynajem.",
    no_deal: "Link nie mówi, czy chodzi o wynajem, czy sprzedaż. Wybierz jedno na stronie i wklej link jeszcze raz.",
    no_city: "Link nie wskazuje miasta. Wybierz miasto na stronie i wklej link jeszcze raz albo użyj /new.",
  },
  unknownCity: (typed) => `Nie znam miasta „${typed}”.`,
  didYouMean: "Chodziło o:",
  citiesWeKnow: (names) => `Obsługiwane miasta: ${names}.`,
  unknownDistricts: (names, known) => `Nie znam dzielnic: ${names}. Znane: ${known}.`,
  linkUnderstood: "Z linku zrozumiałem:",
  linkUnused: "Tych parametrów linku nie umiem użyć (pominięte):",
  olxIdsMissing: "Uwaga: nie udało się sprawdzić tego miasta w OLX; na razie szukam w nim tylko na Otodom.",
  ask: {
    source: "Gdzie szukać?",
    deal: "Wynajem czy sprzedaż?",
    property: "Czego szukasz?",
    city: "W jakim mieście? Napisz nazwę, np. Kraków.",
    price: "Cena w zł? Np. „2000-3500”, „do 3500”, „od 2000” albo „-” (dowolna).",
    rooms: "Ile pokoi? Wybierz albo napisz, np. „2-3”.",
    area: "Powierzchnia w m²? Np. „40-60”, „od 35” albo „-” (dowolna).",
    place: "Gdzie w mieście? Całe miasto, wybrane dzielnice albo promień od punktu (wyślij lokalizację 📎).",
    districts: "Napisz dzielnice po przecinku, np. „Mokotów, Wola”.",
    radius: "W jakim promieniu od tego punktu? Wybierz albo napisz liczbę km.",
    keywords: "Słowa w tytule? Np. „balkon, winda, -parter” (minus wyklucza) albo „-” (bez słów).",
    private: "Tylko od osób prywatnych (bez biur)?",
  },
  buttons: {
    both: "OLX i Otodom",
    any: "Dowolnie",
    skip: "Pomiń",
    wholeCity: "Całe miasto",
    chooseDistricts: "Dzielnice",
    sendLocation: "📍 Wyślij lokalizację",
    save: "✅ Zapisz",
    edit: "✏️ Zmień",
    cancel: "✖️ Anuluj",
    yes: "Tak",
    no: "Nie",
    pause: "⏸",
    resume: "▶️",
    delete: "🗑",
    confirmDelete: "🗑 Tak, usuń",
    keep: "Nie",
    mute: "🔕 Wycisz to wyszukiwanie",
    openSettings: "⚙️ Otwórz ustawienia",
    openMiniApp: "📱 Ustawienia w Telegramie",
  },
  settingsLink: "Ustawienia i wszystkie wyszukiwania na jednej stronie. Link działa 15 minut i tylko raz; po nowy wyślij /settings.",
  summaryHeader: "Twoje wyszukiwanie:",
  summaryFooter: "Zapisać?",
  whatToChange: "Co zmienić?",
  cannotSave: "Nie mogę zapisać:",
  saved: "✅ Zapisane. Nowe ogłoszenia będą przychodzić tutaj. /list pokazuje wszystkie wyszukiwania.",
  updated: "✅ Zmienione.",
  cancelled: "Przerwane, nic nie zapisałem.",
  limitReached: (limit) => `Masz już ${limit} wyszukiwań, to limit. Usuń któreś w /list, żeby dodać nowe.`,
  staleButton: "To pytanie jest już nieaktualne.",
  gone: "Tego wyszukiwania już nie ma.",
  failed: "Coś poszło nie tak, spróbuj jeszcze raz.",
  listEmpty: "Nie masz jeszcze wyszukiwań. Wklej link z olx.pl lub otodom.pl albo użyj /new.",
  listHeader: (count, limit) => `Twoje wyszukiwania (${count}/${limit}):`,
  allPausedNote: "⏸ Wszystkie powiadomienia są wstrzymane (/resume).",
  searchPaused: (n) => `⏸ Wyszukiwanie ${n} wstrzymane.`,
  searchResumed: (n) => `▶️ Wyszukiwanie ${n} wznowione.`,
  deleteAsk: "Usunąć to wyszukiwanie?",
  deleted: "🗑 Usunięte.",
  deleteUsage: "Podaj numer z /list, np. /delete 2.",
  muted: "🔕 Wyciszone. Wznowisz je w /list.",
  stats: ({ active, total, week, medianDelay }) =>
    [
      `Wyszukiwania: ${active} aktywne z ${total}.`,
      `Ogłoszenia wysłane w ostatnich 7 dniach: ${week}.`,
      `Mediana czasu od publikacji do wiadomości: ${medianDelay ?? "brak danych"}.`,
    ].join("\n"),
};

const en: BotTexts = {
  welcome: [
    "👋 <b>GetMeOne</b> watches OLX and Otodom for you.",
    "When a listing matching your search appears, you get it here right away.",
    "Add a search: paste a link to search results on olx.pl or otodom.pl, or use /new.",
  ].join("\n"),
  help: [
    "What I can do:",
    "• paste a link to search results on olx.pl or otodom.pl",
    "/new: a new search step by step",
    "/list: your searches (pause, edit, delete) · /delete N: delete",
    "/pause, /resume: all notifications · /stats: statistics",
    "/settings: settings page · /lang: language · /cancel: stop · /help: this help",
  ].join("\n"),
  langSet: "Language: English. (/lang pl: polski)",
  langUsage: "Use /lang pl or /lang en.",
  paused: "⏸ Notifications paused. /resume turns them back on; your searches stay.",
  resumed: "▶️ Notifications resumed.",
  startFirst: "Please /start first.",
  tooFast: "Slow down a little 🙂 I will answer again in a few seconds.",
  tooLong: (max) => `This message is too long (at most ${max} characters). Paste just the link or a short answer.`,
  link: {
    not_a_link: "That does not look like a link.",
    other_site: "I only take links to search results on olx.pl and otodom.pl.",
    not_a_search: "That links to a listing or a page, not to search results. Set the filters on olx.pl or otodom.pl and paste the link to the results list.",
    unsupported_category:
      "I do not watch that category. On OLX: flats for sale or rent; on Otodom: flats, houses, rooms and plots, for sale or rent.",
    no_deal: "The link does not say whether to rent or to buy. Choose one on the site and paste the link again.",
    no_city: "The link names no city. Choose a city on the site and paste the link again, or use /new.",
  },
  unknownCity: (typed) => `I do not know the city “${typed}”.`,
  didYouMean: "Did you mean:",
  citiesWeKnow: (names) => `Cities I know: ${names}.`,
  unknownDistricts: (names, known) => `I do not know these districts: ${names}. Known: ${known}.`,
  linkUnderstood: "From the link I understood:",
  linkUnused: "These link parameters I cannot use (left out):",
  olxIdsMissing: "Note: I could not look this city up on OLX; for now I search it on Otodom only.",
  ask: {
    source: "Where should I look?",
    deal: "Rent or buy?",
    property: "What are you looking for?",
    city: "Which city? Type its name, e.g. Kraków.",
    price: "Price in PLN? E.g. “2000-3500”, “to 3500”, “from 2000” or “-” (any).",
    rooms: "How many rooms? Choose or type, e.g. “2-3”.",
    area: "Area in m²? E.g. “40-60”, “from 35” or “-” (any).",
    place: "Where in the city? The whole city, some districts, or a radius around a point (send a location 📎).",
    districts: "Type the districts, comma-separated, e.g. “Mokotów, Wola”.",
    radius: "Within what radius of that point? Choose or type a number of km.",
    keywords: "Words in the title? E.g. “balcony, lift, -ground floor” (a minus excludes) or “-” (none).",
    private: "Private owners only (no agencies)?",
  },
  buttons: {
    both: "OLX and Otodom",
    any: "Any",
    skip: "Skip",
    wholeCity: "Whole city",
    chooseDistricts: "Districts",
    sendLocation: "📍 Send location",
    save: "✅ Save",
    edit: "✏️ Change",
    cancel: "✖️ Cancel",
    yes: "Yes",
    no: "No",
    pause: "⏸",
    resume: "▶️",
    delete: "🗑",
    confirmDelete: "🗑 Yes, delete",
    keep: "No",
    mute: "🔕 Mute this search",
    openSettings: "⚙️ Open settings",
    openMiniApp: "📱 Settings in Telegram",
  },
  settingsLink: "Settings and all your searches on one page. The link works for 15 minutes and once; send /settings for a new one.",
  summaryHeader: "Your search:",
  summaryFooter: "Save it?",
  whatToChange: "What should change?",
  cannotSave: "I cannot save it:",
  saved: "✅ Saved. New listings will arrive here. /list shows all your searches.",
  updated: "✅ Changed.",
  cancelled: "Stopped; nothing was saved.",
  limitReached: (limit) => `You already have ${limit} searches, the limit. Delete one in /list to add another.`,
  staleButton: "That question is no longer open.",
  gone: "That search no longer exists.",
  failed: "Something went wrong, please try again.",
  listEmpty: "You have no searches yet. Paste a link from olx.pl or otodom.pl, or use /new.",
  listHeader: (count, limit) => `Your searches (${count}/${limit}):`,
  allPausedNote: "⏸ All notifications are paused (/resume).",
  searchPaused: (n) => `⏸ Search ${n} paused.`,
  searchResumed: (n) => `▶️ Search ${n} resumed.`,
  deleteAsk: "Delete this search?",
  deleted: "🗑 Deleted.",
  deleteUsage: "Give the number from /list, e.g. /delete 2.",
  muted: "🔕 Muted. Turn it back on in /list.",
  stats: ({ active, total, week, medianDelay }) =>
    [
      `Searches: ${active} active of ${total}.`,
      `Listings sent in the last 7 days: ${week}.`,
      `Median time from publication to message: ${medianDelay ?? "no data yet"}.`,
    ].join("\n"),
};

export function botTexts(language: Language): BotTexts {
  return language === "en" ? en : pl;
}
