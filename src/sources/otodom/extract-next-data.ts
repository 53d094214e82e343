import { drain } from "../drain.ts";
import { PageError } from "../parse-result.ts";

/**
 * Reads the `<script id="__NEXT_DATA__">` of an Otodom page as the response
 * streams through HTMLRewriter, never holding the page itself (about 1 MB):
 * only that script's text is kept, and the rest of the page is cancelled as
 * soon as the script has ended. Block pages never get here: fetchPage (and
 * parseSavedPage for pages on disk) turns them away first.
 *
 * @returns the parsed JSON (unchecked: see next-data.ts)
 * @throws PageError("format") when the page has no complete `__NEXT_DATA__`, or when its text is not JSON
 */
export async function extractNextData(response: Response): Promise<unknown> {
  const parts: string[] = [];
  let complete = false;
  const rewriter = new HTMLRewriter().on("script#__NEXT_DATA__", {
    text(chunk) {
      parts.push(chunk.text);
      if (chunk.lastInTextNode) complete = true;
    },
  });
  await drain(rewriter.transform(response), () => complete);

  if (!complete) {
    throw new PageError("format", parts.length ? "__NEXT_DATA__ is cut off" : "no __NEXT_DATA__ script on the page");
  }
  try {
    return JSON.parse(parts.join(""));
  } catch (error) {
    throw new PageError("format", "__NEXT_DATA__ is not JSON", { cause: error });
  }
}
