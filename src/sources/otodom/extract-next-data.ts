import { drain } from "../drain.ts";
import { PageError } from "../parse-result.ts";

/** Text that only an anti-bot (DataDome) challenge page carries. */
export const CAPTCHA_MARKERS = ["captcha-delivery.com", "geo.captcha-delivery", "datadome"] as const;
/** How much of a page's text is looked at for captcha markers: challenge pages are a few KB. */
const SNIFF_CHARS = 64 * 1024;

/**
 * Reads the `<script id="__NEXT_DATA__">` of an Otodom page as the response
 * streams through HTMLRewriter, never holding the page itself (about 1 MB):
 * only that script's text is kept, and the rest of the page is cancelled as
 * soon as the script has ended.
 *
 * @returns the parsed JSON (unchecked: see next-data.ts)
 * @throws PageError("blocked") when the page has no `__NEXT_DATA__` and looks like a captcha page,
 *   PageError("format") when it has none otherwise, or when its text is not JSON
 */
export async function extractNextData(response: Response): Promise<unknown> {
  const parts: string[] = [];
  let complete = false;
  let sniffed = 0;
  let captcha = false;
  const looksLikeCaptcha = (text: string) => CAPTCHA_MARKERS.some((m) => text.toLowerCase().includes(m));

  const rewriter = new HTMLRewriter()
    .on("script#__NEXT_DATA__", {
      text(chunk) {
        parts.push(chunk.text);
        if (chunk.lastInTextNode) complete = true;
      },
    })
    .on("iframe[src]", {
      element(el) {
        if (looksLikeCaptcha(el.getAttribute("src") ?? "")) captcha = true;
      },
    })
    .on("script[src]", {
      element(el) {
        if (looksLikeCaptcha(el.getAttribute("src") ?? "")) captcha = true;
      },
    })
    .onDocument({
      text(chunk) {
        if (captcha || sniffed > SNIFF_CHARS) return;
        sniffed += chunk.text.length;
        if (looksLikeCaptcha(chunk.text)) captcha = true;
      },
    });
  await drain(rewriter.transform(response), () => complete);

  if (!complete) {
    if (captcha) throw new PageError("blocked", "captcha page (DataDome) instead of listings");
    throw new PageError("format", parts.length ? "__NEXT_DATA__ is cut off" : "no __NEXT_DATA__ script on the page");
  }
  try {
    return JSON.parse(parts.join(""));
  } catch (error) {
    throw new PageError("format", "__NEXT_DATA__ is not JSON", { cause: error });
  }
}
