/**
 * Otodom's rooms values (`roomsNumber` of search items, `rooms_num` of ad
 * pages, the `roomsNumber` filter of older search links), the one table of
 * them. "MORE" is "more than ten": 10 is the lower bound, as OLX's "four" is 4.
 */
export const OTODOM_ROOMS: Readonly<Record<string, number>> = {
  ONE: 1, TWO: 2, THREE: 3, FOUR: 4, FIVE: 5, SIX: 6, SEVEN: 7, EIGHT: 8, NINE: 9, TEN: 10,
  MORE: 10,
};

/** The value that means "this many or more": a search asking for it has no upper bound. */
export const OTODOM_ROOMS_OR_MORE = "MORE";
