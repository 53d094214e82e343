import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { errorMessage, log } from "../lib/log.ts";
import { admin } from "./admin/routes.tsx";
import { favicon } from "./favicon.ts";
import { securityHeaders } from "./security-headers.ts";
import { settings } from "./settings/routes.tsx";
import { webhook } from "./webhook.ts";

/** The Worker's HTTP surface: one sub-app per concern. */
export const app = new Hono<{ Bindings: Env }>();

/**
 * The most a form's body may be, read before anything parses it: the settings
 * forms at their fields' bounds (src/searches/form.ts), URL-encoded, stay
 * under 20 KB. The webhook has its own (src/web/webhook.ts).
 */
export const FORM_BODY_LIMIT = 32 * 1024; // bytes

app.use("*", securityHeaders());
for (const area of ["/app/*", "/admin/*"]) app.use(area, bodyLimit({ maxSize: FORM_BODY_LIMIT, onError: (c) => c.text("form too large", 413) }));

app.get("/", (c) => c.text("GetMeOne"));
app.route("/", favicon);
app.route("/telegram/webhook", webhook);
app.route("/app", settings);
app.route("/admin", admin);

// One error exit: HTTP errors as they are, anything else a bare 500 (details only in logs).
app.onError((error, c) => {
  if (error instanceof HTTPException) return c.text(error.message, error.status);
  log.error("http_unhandled", { path: new URL(c.req.url).pathname, error: errorMessage(error) });
  return c.text("internal error", 500);
});
