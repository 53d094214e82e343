import { describe, it } from "vitest";
import { formatWarsawLocal, formatWarsawOffset, parseWarsawLocal } from "../../src/model/warsaw-time.ts";

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

describe("Warsaw wall-clock time", () => {
  it("reads summer and winter times with the right offset", ({ expect }) => {
    expect(iso(parseWarsawLocal("2026-04-09 19:25:11"))).toBe("2026-04-09T17:25:11.000Z");
    expect(iso(parseWarsawLocal("2026-02-07 11:38:12"))).toBe("2026-02-07T10:38:12.000Z");
  });

  it("switches on the last Sundays of March and October at 01:00 UTC", ({ expect }) => {
    expect(iso(parseWarsawLocal("2026-03-29 01:59:59"))).toBe("2026-03-29T00:59:59.000Z");
    expect(iso(parseWarsawLocal("2026-03-29 03:00:00"))).toBe("2026-03-29T01:00:00.000Z");
    expect(iso(parseWarsawLocal("2026-10-25 02:30:00"))).toBe("2026-10-25T00:30:00.000Z"); // the first (summer) 02:30
    expect(iso(parseWarsawLocal("2026-10-25 03:30:00"))).toBe("2026-10-25T02:30:00.000Z");
  });

  it("rejects what is not a time, like the 1999-02-29 of Otodom's promoted duplicate", ({ expect }) => {
    expect(parseWarsawLocal("1999-02-29 00:00:01")).toBeNull();
    expect(parseWarsawLocal("yesterday")).toBeNull();
  });

  it("writes times the way OLX and Otodom do", ({ expect }) => {
    const t = Date.parse("2023-05-20T09:32:37Z");
    expect(formatWarsawOffset(t)).toBe("2023-05-20T11:32:37+02:00");
    expect(formatWarsawLocal(Date.parse("2021-01-28T13:17:54Z"))).toBe("2021-01-28 14:17:54");
  });
});
