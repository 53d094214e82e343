/**
 * `npm start -w relay` (or the Docker image): the relay on PORT.
 *
 *   RELAY_SECRET         required, the Worker's RELAY_SECRET (at least 16 characters)
 *   PORT                 default 8080
 *   HOST                 default 127.0.0.1 (the Docker image sets 0.0.0.0)
 *   RELAY_ALLOWED_HOSTS  default "olx.pl,otodom.pl" (each with its subdomains)
 *   RELAY_BROWSER        impit's browser profile, default "chrome"
 */
import type { Browser } from "impit";
import { RELAY_DEFAULT_HOSTS } from "../../src/lib/relay-protocol.ts";
import { impitClient } from "./impit-client.ts";
import { listen } from "./node-server.ts";
import { createRelay } from "./relay.ts";

const secret = process.env.RELAY_SECRET?.trim() ?? "";
if (secret.length < 16) {
  console.error("RELAY_SECRET must be set (at least 16 characters), the same as the Worker's");
  process.exit(1);
}
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? "127.0.0.1";
const allowedHosts = (process.env.RELAY_ALLOWED_HOSTS ?? RELAY_DEFAULT_HOSTS.join(",")).split(",").map((h) => h.trim().toLowerCase()).filter(Boolean);
const browser = (process.env.RELAY_BROWSER ?? "chrome") as Browser;

await listen(createRelay({ secret, allowedHosts, client: impitClient(browser) }), port, host);
console.log(JSON.stringify({ event: "relay_listening", host, port, allowedHosts, browser }));
