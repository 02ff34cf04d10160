import { describe, expect, it } from "vitest";

import { wxTokenStore } from "../src";

describe("wxTokenStore", () => {
  it("keeps the session in wx storage and ignores anything else there", () => {
    const storage = new Map<string, unknown>();
    const wx = {
      getStorageSync: (k: string) => (storage.has(k) ? storage.get(k) : ""),
      setStorageSync: (k: string, v: unknown) => void storage.set(k, v),
      removeStorageSync: (k: string) => void storage.delete(k),
    };
    const store = wxTokenStore(wx);
    expect(store.get()).toBeNull();
    store.set({ accessToken: "A", refreshToken: "R" });
    expect(storage.get("unionhub.tokens")).toEqual({ accessToken: "A", refreshToken: "R" });
    expect(wxTokenStore(wx).get()).toEqual({ accessToken: "A", refreshToken: "R" });
    storage.set("unionhub.tokens", { accessToken: 1 });
    expect(store.get()).toBeNull();
    store.clear();
    expect(storage.has("unionhub.tokens")).toBe(false);
  });
});
