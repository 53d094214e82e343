import { Hono } from "hono";

/**
 * The site's icon: a house with a notification dot, as SVG. Browsers and the
 * Mini App's webview ask for /favicon.ico whatever the pages say, and a 404
 * there is a console error on every page; modern browsers take SVG at that path.
 */
const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#2481cc"/><path d="M14 32 32 16l18 16v16a2 2 0 0 1-2 2H38V38H26v12H16a2 2 0 0 1-2-2z" fill="#fff"/><circle cx="50" cy="14" r="9" fill="#f5a623" stroke="#2481cc" stroke-width="3"/></svg>`;

/** Where pages point their `<link rel="icon">`. */
export const ICON_PATH = "/favicon.svg";

export const favicon = new Hono();

for (const path of ["/favicon.ico", ICON_PATH]) {
  favicon.get(path, (c) =>
    c.body(ICON_SVG, 200, { "content-type": "image/svg+xml", "cache-control": "public, max-age=86400" }),
  );
}
