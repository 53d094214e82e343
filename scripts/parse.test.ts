/**
 * The CLI end to end, in Node (not workerd): `node --test scripts/parse.test.ts`.
 * Runs `scripts/parse.ts` on the fixtures as `npm run parse` does.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);
const FIXTURES = new URL("../test/fixtures/", import.meta.url).pathname;
const FIELDS = [
  "source", "externalId", "url", "title", "price", "currency", "rent", "areaM2", "rooms", "pricePerM2", "floor",
  "city", "district", "lat", "lon", "isPrivate", "photoUrl", "deal", "property", "publishedAt",
  "firstListedAt", "bumpedAt",
];

async function parse(source: string, file: string): Promise<{ code: number; lines: Record<string, unknown>[]; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [new URL("./parse.ts", import.meta.url).pathname, source, file], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, lines: stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)), stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, lines: [], stderr: e.stderr };
  }
}

for (const [source, file, count] of [
  ["olx", "olx/api-offer-mieszkania-wroclaw-2023.json", 1],
  ["olx", "olx/api-offers-samochody-uz-tashkent-2026.json", 13],
  ["olx", "olx/page-mieszkania-all-poland-2023.html", 52],
  ["olx", "olx/page-mieszkania-sprzedaz-warszawa-2016.html", 39],
  ["otodom", "otodom/search-sell-flat-krakow-2026.json", 23],
  ["otodom", "otodom/search-sell-flat-warszawa-2021.html", 36],
  ["otodom", "otodom/ad-sell-flat-warszawa-2021.json", 1],
] as const) {
  test(`parse ${source} ${file}: ${count} lines with exactly the Listing fields`, async () => {
    const { code, lines, stderr } = await parse(source, join(FIXTURES, file));
    assert.equal(code, 0, stderr);
    assert.equal(lines.length, count);
    for (const line of lines) {
      assert.deepEqual(Object.keys(line), FIELDS);
      assert.ok(line.publishedAt === null || /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(String(line.publishedAt)));
    }
    assert.match(stderr, new RegExp(`^${count} listings, 0 item errors, 0 warnings`));
  });
}

test("parse exits 1 when the page itself can't be read", async () => {
  const dir = await mkdtemp(join(tmpdir(), "parse-"));
  const file = join(dir, "page.html");
  await writeFile(file, "<html><body>Nothing here</body></html>");
  const { code, stderr } = await parse("otodom", file);
  assert.equal(code, 1);
  assert.match(stderr, /page not readable \(format\): no __NEXT_DATA__/);
});

test("parse exits 2 on bad usage", async () => {
  assert.equal((await parse("allegro", "x")).code, 2);
});
