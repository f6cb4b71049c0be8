/** Runs requests where only the newest answer counts: starting one aborts the one before,
 * and an answer that arrives after a newer request started is dropped. */
export class LatestRequest<T> {
  private sequence = 0;
  private controller: AbortController | null = null;

  /** Resolves with the answer, or with undefined when it was superseded or aborted. */
  async run(request: (signal: AbortSignal) => Promise<T>): Promise<{ value: T } | undefined> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const mine = ++this.sequence;
    try {
      const value = await request(controller.signal);
      return mine === this.sequence ? { value } : undefined;
    } catch (error) {
      if (mine !== this.sequence || (error as Error).name === "AbortError") return undefined;
      throw error;
    }
  }

  /** Drop whatever is under way (a newer edit is coming). */
  supersede(): void {
    this.sequence += 1;
    this.controller?.abort();
    this.controller = null;
  }
}
