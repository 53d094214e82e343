/**
 * `node scripts/cities-sql.ts`: writes drizzle/0008_olx_cities.sql, the
 * migration that seeds every Polish city OLX knows (data/olx-cities.json, see
 * data/PROVENANCE.md) into locations: name, OLX's city and region ids, the
 * voivodeship and OLX's map centre. Cities the older seed (0001) already has
 * keep their row (ids, Otodom paths, districts); only what they lack is filled.
 * Run it again after data/olx-cities.json changes; the SQL is committed.
 */
import { readFileSync, writeFileSync } from "node:fs";

interface OlxPlace {
  id?: number;
  name?: string;
  county?: string;
  latitude?: number;
  longitude?: number;
  "region-id": number;
  "region-normalized_name"?: string;
}

const ROWS_PER_STATEMENT = 60;
const data = JSON.parse(readFileSync(new URL("../data/olx-cities.json", import.meta.url), "utf8")) as Record<string, OlxPlace>;

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
const num = (n: number | undefined) => (n === undefined ? "NULL" : String(n));

// The file lists the 16 voivodeships too (keyed by their slug, with only a region id): those are not cities.
const cities = Object.entries(data)
  .filter((entry): entry is [string, OlxPlace & { id: number; name: string }] => entry[1].id !== undefined && entry[1].name !== undefined)
  .sort(([a], [b]) => a.localeCompare(b));

const values = cities.map(
  ([slug, c]) =>
    `('city', ${quote(slug)}, ${quote(c.name)}, ${c.id}, ${c["region-id"]}, ${c["region-normalized_name"] ? quote(c["region-normalized_name"]) : "NULL"}, ${num(c.latitude)}, ${num(c.longitude)})`,
);

const statements: string[] = [];
for (let i = 0; i < values.length; i += ROWS_PER_STATEMENT) {
  statements.push(
    `INSERT INTO locations (kind, slug, name, olx_city_id, olx_region_id, region, lat, lon) VALUES\n${values.slice(i, i + ROWS_PER_STATEMENT).join(",\n")}\n` +
      `ON CONFLICT (slug) DO UPDATE SET olx_city_id = COALESCE(locations.olx_city_id, excluded.olx_city_id), ` +
      `olx_region_id = COALESCE(locations.olx_region_id, excluded.olx_region_id), region = excluded.region, ` +
      `lat = COALESCE(locations.lat, excluded.lat), lon = COALESCE(locations.lon, excluded.lon);`,
  );
}

const header = `-- Every Polish city OLX knows (${cities.length}), from data/olx-cities.json (provenance in
-- data/PROVENANCE.md), written by scripts/cities-sql.ts: do not edit by hand. A city the
-- older seed (0001) has keeps its row; only missing ids, centroids and the voivodeship are
-- filled. The voivodeship (locations.region) tells apart towns of one name (two Bydgoszcz).
`;
writeFileSync(new URL("../drizzle/0008_olx_cities.sql", import.meta.url), header + statements.join("\n--> statement-breakpoint\n") + "\n");
console.log(`drizzle/0008_olx_cities.sql: ${cities.length} cities in ${statements.length} statements`);
