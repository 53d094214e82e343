/**
 * Runs an HTMLRewriter-transformed response to its end without keeping it:
 * the handlers are what read the page. `done()` is asked after each chunk;
 * once true, the rest of the page is cancelled (and its download with it).
 */
export async function drain(transformed: Response, done: () => boolean = () => false): Promise<void> {
  const body = transformed.body;
  if (!body) return;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done: ended } = await reader.read();
      if (ended) return;
      if (done()) {
        await reader.cancel();
        return;
      }
    }
  } finally {
    reader.releaseLock();
  }
}
