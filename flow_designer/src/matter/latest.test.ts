import { describe, expect, it } from "vitest";
import { LatestRequest } from "./latest";

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("LatestRequest", () => {
  it("drops an older answer that arrives after a newer one", async () => {
    const requests = new LatestRequest<string>();
    const first = deferred<string>();
    const second = deferred<string>();
    const signals: AbortSignal[] = [];
    const a = requests.run((signal) => (signals.push(signal), first.promise));
    const b = requests.run((signal) => (signals.push(signal), second.promise));
    expect(signals[0].aborted).toBe(true);
    expect(signals[1].aborted).toBe(false);
    second.resolve("new");
    first.resolve("old");
    expect(await b).toEqual({ value: "new" });
    expect(await a).toBeUndefined();
  });
  it("drops an answer superseded by an edit still waiting for its debounce", async () => {
    const requests = new LatestRequest<string>();
    const pending = deferred<string>();
    const a = requests.run(() => pending.promise);
    requests.supersede();
    pending.resolve("stale");
    expect(await a).toBeUndefined();
  });
  it("passes on a failure of the newest request, not of an aborted one", async () => {
    const requests = new LatestRequest<string>();
    const aborted = requests.run(
      (signal) => new Promise<string>((_, reject) => signal.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { name: "AbortError" })))),
    );
    const failing = requests.run(() => Promise.reject(new Error("服务器错误")));
    expect(await aborted).toBeUndefined();
    await expect(failing).rejects.toThrow("服务器错误");
  });
});
