import { env } from "cloudflare:workers";
import { it } from "vitest";

it("applies migrations", async ({ expect }) => {
  const r = await env.DB.prepare("select count(*) as n from listings").first<{ n: number }>();
  expect(r?.n).toBe(0);
});
