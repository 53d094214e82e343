import { createServer, type IncomingMessage, type Server } from "node:http";
import { ConnectionDropped } from "./faults.ts";
import type { Handler } from "./publisher.ts";

export type { Handler } from "./publisher.ts";

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  }
  const body = chunks.length && req.method !== "GET" && req.method !== "HEAD" ? Buffer.concat(chunks) : undefined;
  return new Request(new URL(req.url ?? "/", origin), { method: req.method ?? "GET", headers, body });
}

/**
 * Serves a fake on 127.0.0.1 only (nothing here may listen beyond loopback).
 * Resolves once listening; port 0 takes any free port (read it from the server's address).
 */
export function serve(handler: Handler, port: number): Promise<Server> {
  let origin = `http://127.0.0.1:${port}`;
  const server = createServer(async (req, res) => {
    try {
      const response = await handler(await toRequest(req, origin));
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      if (error instanceof ConnectionDropped) {
        res.socket?.destroy();
        return;
      }
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      if (address && typeof address === "object") origin = `http://127.0.0.1:${address.port}`;
      resolve(server);
    });
  });
}
