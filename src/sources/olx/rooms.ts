/**
 * OLX's "Liczba pokoi" keys, the one table of them: offers carry them
 * (`params[rooms]`), and so do search links (`search[filter_enum_rooms]`).
 * "four" is "4 i więcej" (4 or more) and reads as 4.
 */
export const OLX_ROOMS: Readonly<Record<string, number>> = { one: 1, two: 2, three: 3, four: 4 };

/** The key that means "this many or more": a search asking for it has no upper bound. */
export const OLX_ROOMS_OR_MORE = "four";
