import { createServer, type IncomingMessage, type Server } from "node:http";
import { Readable } from "node:stream";

/** A web-standard handler behind Node's HTTP server, bodies streamed both ways. */
export function listen(handler: (request: Request) => Promise<Response>, port: number, host: string): Promise<Server> {
  const server = createServer(async (req, res) => {
    try {
      const response = await handler(toRequest(req, `http://${req.headers.host ?? `${host}:${port}`}`));
      res.writeHead(response.status, [...response.headers].flat());
      if (response.body) Readable.fromWeb(response.body as import("node:stream/web").ReadableStream).pipe(res);
      else res.end();
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

function toRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method ?? "GET",
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  });
}
