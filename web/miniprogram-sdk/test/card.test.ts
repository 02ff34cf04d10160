import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { createClient, memoryTokenStore, watchCard, type Card } from "../src";
import { BASE, fail, FakeWx, ok, type Reply } from "./fakewx";

const T0 = Date.parse("2026-11-27T08:00:00+08:00");

function cardAt(issued: number, n: number): Card {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    member_id: "9", member_no: "42010600000017", name: "张三", org_id: "7", joined_on: "2026-11-27",
    status: "active", union_name: "工会", photo_url: null,
    qr: { token: "tok" + n, refresh_after: iso(issued + 60_000), expires_at: iso(issued + 90_000) },
  };
}

function setup(reply: (n: number) => Reply) {
  let n = 0;
  const wx = new FakeWx(() => reply(++n));
  const tokens = memoryTokenStore();
  tokens.set({ accessToken: "A1", refreshToken: "R1" });
  const client = createClient({ baseURL: BASE, wx, tokens });
  const cards: string[] = [];
  const errors: number[] = [];
  return { wx, client, cards, errors, opts: { onCard: (c: Card) => cards.push(c.qr?.token ?? "none"), onError: (e: { code: number }) => errors.push(e.code) } };
}

describe("watchCard", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  it("refetches the card at refresh_after until stopped", async () => {
    const s = setup((n) => ok(cardAt(Date.now(), n)));
    const w = watchCard(s.client, s.opts);
    await vi.advanceTimersByTimeAsync(0);
    expect(s.cards).toEqual(["tok1"]);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(s.cards).toEqual(["tok1"]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(s.cards).toEqual(["tok1", "tok2"]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(s.cards).toEqual(["tok1", "tok2", "tok3"]);
    w.stop();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(s.cards).toHaveLength(3);
    expect(s.wx.to("/me/card")).toHaveLength(3);
  });

  it("checks a suspended card every minute and retries a failure after 10 s", async () => {
    const suspended = { ...cardAt(T0, 0), status: "suspended", qr: null };
    const s = setup((n) => (n === 1 ? ok(suspended) : n === 2 ? fail(500, 50000, "系统繁忙，请稍后再试") : ok(cardAt(Date.now(), n))));
    const w = watchCard(s.client, s.opts);
    await vi.advanceTimersByTimeAsync(0);
    expect(s.cards).toEqual(["none"]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(s.errors).toEqual([50000]);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(s.cards).toEqual(["none"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.cards).toEqual(["none", "tok3"]);
    w.stop();
  });

  it("stops when the session is gone", async () => {
    const s = setup(() => fail(401, 40100, "请先登录"));
    watchCard(s.client, s.opts);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(s.errors).toEqual([40100]);
    expect(s.wx.to("/me/card")).toHaveLength(1);
  });
});
