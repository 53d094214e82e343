import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Tests run inside workerd against Miniflare's D1, Queues and Durable Objects,
// configured from wrangler.toml. Only the outside world (OLX, Otodom, Telegram)
// is faked, at the HTTP boundary (test/helpers/fake-web.ts).
export default defineConfig({
  plugins: [
    cloudflareTest(async () => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        // An empty database of its own for test/db/migrations.test.ts (migrated in steps, not by the setup file).
        d1Databases: { MIGRATION_DB: "migration-test" },
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations("./drizzle"),
          TELEGRAM_BOT_TOKEN: "123456:test-token",
          TELEGRAM_WEBHOOK_SECRET: "test-webhook-secret",
          APP_SECRET: "test-app-secret",
          ADMIN_TOKEN: "test-admin-token",
          ADMIN_CHAT_ID: "999",
          // A relay the fetcher tests reach at the HTTP boundary; no site's chain names it unless a test says so.
          RELAY_URL: "https://relay.example.net",
          RELAY_SECRET: "test-relay-secret",
          // Tests send bursts on purpose; the rate-limit test sets its own.
          BOT_RATE_LIMIT: "1000",
        },
      },
    })),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["./test/apply-migrations.ts"],
  },
});
