import { describe, expect, expectTypeOf, it, vi } from "vitest";

import { ApiError, BAD_REPLY, createClient, memoryTokenStore, NETWORK_ERROR, type Data, type Schemas } from "../src";
import { BASE, deferred, fail, FakeWx, ok, type Handler, type Reply } from "./fakewx";

function session(handler: Handler, access = "A1", refresh = "R1") {
  const wx = new FakeWx(handler);
  const tokens = memoryTokenStore();
  tokens.set({ accessToken: access, refreshToken: refresh });
  const onSessionExpired = vi.fn();
  const sleeps: number[] = [];
  const client = createClient({
    baseURL: BASE + "/",
    wx,
    tokens,
    onSessionExpired,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { wx, tokens, client, onSessionExpired, sleeps };
}

const card = { member_id: "9", member_no: "42010600000017", name: "张三", org_id: "7", joined_on: "2026-11-27", status: "active", union_name: "工会", photo_url: null, qr: null };

describe("types", () => {
  it("come from the OpenAPI document", () => {
    expectTypeOf<Data<"/me/card", "get">>().toEqualTypeOf<Schemas["Card"]>();
    expectTypeOf<Data<"/admin/applications", "get">>().toEqualTypeOf<Schemas["ApplicationListItemPage"]>();
    expectTypeOf<ApiError["code"]>().toExtend<number>();
  });
});

describe("requests", () => {
  it("log in, send the Bearer header and unwrap the envelope", async () => {
    const { wx, client, tokens } = session((c) => {
      if (c.path === "/auth/wechat/login") return ok({ access_token: "A9", refresh_token: "R9", expires_in: 7200, user: { id: "1", phone_bound: false, roles: [] } });
      return ok(card);
    });
    tokens.clear();
    const t = await client.login("alice-1");
    expect(t.user.id).toBe("1");
    expect(wx.calls[0].header.Authorization).toBeUndefined();
    expect(wx.calls[0].data).toEqual({ code: "alice-1" });
    const got = await client.get("/me/card");
    expect(got).toEqual(card);
    expect(wx.calls[1]).toMatchObject({ method: "GET", url: BASE + "/me/card", header: { Authorization: "Bearer A9" } });
  });

  it("fill path parameters and the query", async () => {
    const { wx, client } = session(() => ok({ items: [], next_cursor: null }));
    await client.get("/admin/applications", { query: { status: "submitted", limit: 50, cursor: undefined } });
    await client.get("/admin/members/{id}", { path: { id: "12 3" } });
    expect(wx.calls.map((c) => c.url)).toEqual([BASE + "/admin/applications?status=submitted&limit=50", BASE + "/admin/members/12%203"]);
  });
});

describe("errors", () => {
  const tests: { name: string; reply: Reply; want: Partial<ApiError> & { field?: [string, string] } }[] = [
    {
      name: "validation with details",
      reply: fail(422, 40001, "提交的信息有误，请按提示修改", { details: [{ field: "id_number", message: "身份证号码校验位不正确" }] }),
      want: { status: 422, code: 40001, message: "提交的信息有误，请按提示修改", requestId: "req-40001", field: ["id_number", "身份证号码校验位不正确"] },
    },
    { name: "not found", reply: fail(404, 40400, "申请不存在"), want: { status: 404, code: 40400, details: [], retryable: false } },
    { name: "rate limited", reply: fail(429, 42900, "操作过于频繁", {}, { "retry-after": "3" }), want: { status: 429, code: 42900, retryAfter: 3, retryable: true } },
    { name: "method not allowed", reply: fail(405, 40500, "不支持的请求方法"), want: { status: 405, code: 40500 } },
    { name: "no envelope", reply: { status: 502, body: "<html>Bad Gateway</html>", header: { "X-Request-ID": "edge-1" } }, want: { status: 502, code: BAD_REPLY, requestId: "edge-1", retryable: true } },
    { name: "network", reply: "network-error", want: { status: 0, code: NETWORK_ERROR, retryable: true } },
  ];
  for (const tc of tests) {
    it(tc.name, async () => {
      const { client } = session(() => tc.reply);
      const err = await client.get("/applications/mine").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      const { field, ...want } = tc.want;
      expect(err).toMatchObject(want);
      if (field) expect((err as ApiError).fieldMessage(field[0])).toBe(field[1]);
    });
  }
});

describe("refresh", () => {
  it("runs once for concurrent 401s, and every call is retried with the new token", async () => {
    const held = deferred<Reply>();
    const { wx, client, tokens } = session((c) => {
      if (c.path === "/auth/refresh") return held.promise;
      return c.header.Authorization === "Bearer A2" ? ok(card) : fail(401, 40101, "登录已过期");
    });
    const calls = [client.get("/me/card"), client.get("/me/card"), client.get("/me/card")];
    await vi.waitFor(() => expect(wx.to("/auth/refresh")).toHaveLength(1));
    const late = client.get("/me/card"); // sent while the refresh is in flight: waits for it
    held.resolve(ok({ access_token: "A2", refresh_token: "R2", expires_in: 7200, user: { id: "1", phone_bound: true, roles: [] } }));
    expect(await Promise.all([...calls, late])).toEqual([card, card, card, card]);
    expect(wx.to("/auth/refresh")).toHaveLength(1);
    expect(wx.to("/auth/refresh")[0].data).toEqual({ refresh_token: "R1" });
    expect(wx.to("/me/card").filter((c) => c.header.Authorization === "Bearer A1")).toHaveLength(3);
    expect(tokens.get()).toEqual({ accessToken: "A2", refreshToken: "R2" });
  });

  it("fails every waiting call and clears the session when the refresh fails", async () => {
    const { wx, client, tokens, onSessionExpired } = session((c) =>
      c.path === "/auth/refresh" ? fail(401, 40100, "登录已失效，请重新登录") : fail(401, 40101, "登录已过期"),
    );
    const results = await Promise.allSettled([client.get("/me/card"), client.get("/me"), client.get("/applications/mine")]);
    for (const r of results) {
      expect(r.status).toBe("rejected");
      expect((r as PromiseRejectedResult).reason).toMatchObject({ status: 401, code: 40100 });
    }
    expect(wx.to("/auth/refresh")).toHaveLength(1);
    expect(tokens.get()).toBeNull();
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
  });

  it("is not tried for other 401s", async () => {
    const { wx, client } = session(() => fail(401, 40100, "请先登录"));
    await expect(client.get("/me")).rejects.toMatchObject({ code: 40100 });
    expect(wx.to("/auth/refresh")).toHaveLength(0);
  });
});

describe("idempotency", () => {
  it("retries with the same key after a network failure and a 503", async () => {
    const replies: Reply[] = ["network-error", fail(503, 50300, "服务暂时不可用", {}, { "Retry-After": "1" }), ok({ id: "5", status: "draft" }, 201)];
    const { wx, client, sleeps } = session(() => replies.shift()!);
    const app = await client.postIdempotent("/applications", { body: { org_id: "7" } });
    expect(app).toEqual({ id: "5", status: "draft" });
    const keys = wx.to("/applications").map((c) => c.header["Idempotency-Key"]);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(sleeps).toEqual([500, 1000]);
  });

  it("does not retry a refusal, and a new call gets a new key unless given one", async () => {
    const { wx, client } = session(() => fail(422, 40001, "提交的信息有误", { details: [{ field: "org_id", message: "请选择工会" }] }));
    await expect(client.postIdempotent("/me/transfers", { body: { to_org_id: "8" } })).rejects.toMatchObject({ code: 40001 });
    await expect(client.postIdempotent("/me/transfers", { body: { to_org_id: "8" } })).rejects.toMatchObject({ code: 40001 });
    await expect(client.postIdempotent("/me/transfers", { body: { to_org_id: "8" }, key: "k1" })).rejects.toMatchObject({ code: 40001 });
    const keys = wx.to("/me/transfers").map((c) => c.header["Idempotency-Key"]);
    expect(keys).toHaveLength(3);
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[2]).toBe("k1");
  });
});

describe("upload", () => {
  it("sends the file with wx.uploadFile and refreshes on 40101", async () => {
    const upload = { id: "u1", kind: "photo", content_type: "image/jpeg", size: 1234, sha256: "ab" };
    const { wx, client } = session((c) => {
      if (c.path === "/auth/refresh") return ok({ access_token: "A2", refresh_token: "R2", expires_in: 7200, user: { id: "1", phone_bound: true, roles: [] } });
      return c.header.Authorization === "Bearer A2" ? ok(upload, 201) : fail(401, 40101, "登录已过期");
    });
    expect(await client.upload("wxfile://tmp/photo.jpg", "photo")).toEqual(upload);
    const ups = wx.calls.filter((c) => c.kind === "upload");
    expect(ups).toHaveLength(2);
    expect(ups[1]).toMatchObject({ url: BASE + "/uploads", filePath: "wxfile://tmp/photo.jpg", formData: { kind: "photo" }, header: { Authorization: "Bearer A2" } });
  });

  it("maps a refused file to ApiError", async () => {
    const { client } = session(() => fail(415, 41500, "只接受 JPEG、PNG 或 WebP 图片"));
    await expect(client.upload("wxfile://tmp/a.gif", "proof")).rejects.toMatchObject({ status: 415, code: 41500 });
  });
});
