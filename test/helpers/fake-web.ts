import { vi } from "vitest";

/** Answers the requests one site would get. Pure web-standard: the same handlers serve `npm start` and the bench. */
export type SiteHandler = (request: Request) => Response | Promise<Response>;

/**
 * Stands in for the outside world at the HTTP boundary: every outbound fetch
 * of the Worker (its handlers and Durable Objects share the test isolate) is
 * routed by origin to a fake site. A request to any other origin fails the
 * test, so nothing silently reaches the network.
 *
 * @example
 * const web = fakeWeb({ "https://www.olx.pl": fakeOlx.handle });
 * // ... run the worker ...
 * web.restore();
 */
export function fakeWeb(sites: Record<string, SiteHandler>) {
  const requests: Request[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    requests.push(request.clone());
    const site = sites[new URL(request.url).origin];
    if (!site) throw new Error(`test reached an unfaked origin: ${request.url}`);
    return site(request);
  });
  return {
    requests,
    restore: () => spy.mockRestore(),
  };
}
