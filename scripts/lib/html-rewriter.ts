/**
 * Workers' HTMLRewriter for Node, on html-rewriter-wasm (lol-html, the engine
 * workerd's own HTMLRewriter is built on), so `npm run parse` runs the very
 * parsers the Worker runs. Covers what src/sources uses: `on`, `onDocument`,
 * `transform(response)`.
 */
import { HTMLRewriter as WasmRewriter, type DocumentHandlers, type ElementHandlers } from "html-rewriter-wasm";

class NodeHTMLRewriter {
  #elements: [string, ElementHandlers][] = [];
  #documents: DocumentHandlers[] = [];

  on(selector: string, handlers: ElementHandlers): this {
    this.#elements.push([selector, handlers]);
    return this;
  }

  onDocument(handlers: DocumentHandlers): this {
    this.#documents.push(handlers);
    return this;
  }

  transform(response: Response): Response {
    const input = response.body?.getReader();
    let rewriter: WasmRewriter | null = null;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        rewriter = new WasmRewriter((chunk) => {
          if (chunk.byteLength) controller.enqueue(chunk.slice());
        });
        for (const [selector, handlers] of this.#elements) rewriter.on(selector, handlers);
        for (const handlers of this.#documents) rewriter.onDocument(handlers);
      },
      async pull(controller) {
        if (!rewriter) return;
        const next = input ? await input.read() : { done: true as const, value: undefined };
        if (next.done) {
          await rewriter.end();
          rewriter.free();
          rewriter = null;
          controller.close();
        } else {
          await rewriter.write(next.value);
        }
      },
      async cancel(reason) {
        rewriter?.free();
        rewriter = null;
        await input?.cancel(reason);
      },
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  }
}

/** Installs the rewriter as `globalThis.HTMLRewriter` unless the runtime has one. */
export function installHTMLRewriter(): void {
  if ("HTMLRewriter" in globalThis) return;
  Object.defineProperty(globalThis, "HTMLRewriter", { value: NodeHTMLRewriter, configurable: true, writable: true });
}
