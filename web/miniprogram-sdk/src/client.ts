import type { CallOptions, Data, Method, PathsWith, Schemas } from "./api";
import { ApiError, BAD_REPLY, NETWORK_ERROR } from "./errors";
import { newIdempotencyKey } from "./idempotency";
import { memoryTokenStore, type TokenStore } from "./tokens";
import type { Wx, WxFail } from "./wx";

export interface ClientOptions {
  /** The API root, https://example.org/api/v1 (no trailing slash needed). */
  baseURL: string;
  /** The mini-program's wx (or a fake in tests). */
  wx: Wx;
  /** Where the session lives; memoryTokenStore() by default, wxTokenStore(wx) to keep it. */
  tokens?: TokenStore;
  /** Called once when the session is gone (refresh failed): send the user to log in. */
  onSessionExpired?: (err: ApiError) => void;
  /** Milliseconds per request; wx's default when unset. */
  timeout?: number;
  /** Waits between idempotent retries (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
}

/** A raw reply before the envelope is unwrapped. */
interface Raw {
  status: number;
  body: unknown;
  header: Record<string, string>;
}

type Send = (accessToken: string | null) => Promise<Raw>;

export type UploadKind = Schemas["Upload"]["kind"];

/** The two routes that take an Idempotency-Key (API.md §1). */
export type IdempotentPath = "/applications" | "/me/transfers";

/**
 * Client calls the UnionHub API from a mini-program: it adds the Bearer
 * header, unwraps the envelope into the typed `data` or an ApiError, and
 * when the access token expired (401/40101) refreshes the session once —
 * concurrent calls wait on the same refresh, since a second refresh with
 * the same refresh token would revoke the session — and retries.
 */
export class Client {
  private readonly base: string;
  private readonly wx: Wx;
  private readonly tokens: TokenStore;
  private readonly opts: ClientOptions;
  private refreshing: Promise<string> | null = null;

  constructor(opts: ClientOptions) {
    this.base = opts.baseURL.replace(/\/+$/, "");
    this.wx = opts.wx;
    this.tokens = opts.tokens ?? memoryTokenStore();
    this.opts = opts;
  }

  /** Whether a session is stored. */
  get loggedIn(): boolean {
    return this.tokens.get() !== null;
  }

  /** login exchanges a wx.login code for a session and stores it. */
  async login(code: string): Promise<Schemas["Token"]> {
    const t = await this.request("post", "/auth/wechat/login", { body: { code }, auth: false });
    this.tokens.set({ accessToken: t.access_token, refreshToken: t.refresh_token });
    return t;
  }

  /** logout ends the session on the server (best effort) and forgets it. */
  async logout(): Promise<void> {
    try {
      if (this.loggedIn) await this.request("post", "/auth/logout", {});
    } finally {
      this.tokens.clear();
    }
  }

  get<P extends PathsWith<"get">>(path: P, opts: CallOptions<P, "get"> = {}): Promise<Data<P, "get">> {
    return this.request("get", path, opts);
  }

  post<P extends PathsWith<"post">>(path: P, opts: CallOptions<P, "post"> = {}): Promise<Data<P, "post">> {
    return this.request("post", path, opts);
  }

  put<P extends PathsWith<"put">>(path: P, opts: CallOptions<P, "put"> = {}): Promise<Data<P, "put">> {
    return this.request("put", path, opts);
  }

  patch<P extends PathsWith<"patch">>(path: P, opts: CallOptions<P, "patch"> = {}): Promise<Data<P, "patch">> {
    return this.request("patch", path, opts);
  }

  delete<P extends PathsWith<"delete">>(path: P, opts: CallOptions<P, "delete"> = {}): Promise<Data<P, "delete">> {
    return this.request("delete", path, opts);
  }

  /**
   * postIdempotent sends POST /applications or /me/transfers with an
   * Idempotency-Key and retries a network failure, 429 or 5xx up to
   * `retries` times with the same key, so the server creates one record
   * however many times the request arrives. Pass `key` to reuse one across
   * calls (e.g. kept in the page's data while the user retries by hand).
   */
  async postIdempotent<P extends IdempotentPath>(
    path: P,
    opts: CallOptions<P, "post"> & { key?: string; retries?: number } = {},
  ): Promise<Data<P, "post">> {
    const key = opts.key ?? newIdempotencyKey();
    const retries = opts.retries ?? 2;
    const sleep = this.opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.request("post", path, { ...opts, headers: { ...opts.headers, "Idempotency-Key": key } });
      } catch (e) {
        if (!(e instanceof ApiError) || !e.retryable || attempt >= retries) throw e;
        await sleep(e.retryAfter !== undefined ? e.retryAfter * 1000 : 500 * 2 ** attempt);
      }
    }
  }

  /** upload sends a chosen image (wx.chooseMedia's tempFilePath) with wx.uploadFile. */
  upload(filePath: string, kind: UploadKind): Promise<Schemas["Upload"]> {
    return this.withSession(true, (token) =>
      new Promise<Raw>((resolve, reject) => {
        this.wx.uploadFile({
          url: this.base + "/uploads",
          filePath,
          name: "file",
          formData: { kind },
          header: authHeader(token),
          timeout: this.opts.timeout,
          success: (res) => resolve({ status: res.statusCode, body: parseJSON(res.data), header: res.header ?? {} }),
          fail: (err) => reject(networkError(err)),
        });
      }),
    ) as Promise<Schemas["Upload"]>;
  }

  /** request is the typed call behind get, post, …: any method and path. */
  request<M extends Method, P extends PathsWith<M>>(method: M, path: P, opts: CallOptions<P, M>): Promise<Data<P, M>> {
    const url = this.base + fillPath(path, opts.path as Record<string, string> | undefined) + queryString(opts.query);
    return this.withSession(opts.auth !== false, (token) =>
      new Promise<Raw>((resolve, reject) => {
        this.wx.request({
          url,
          method: method.toUpperCase() as Uppercase<Method>,
          data: opts.body,
          header: { "Content-Type": "application/json", ...authHeader(token), ...opts.headers },
          timeout: this.opts.timeout,
          dataType: "json",
          success: (res) => resolve({ status: res.statusCode, body: res.data, header: res.header ?? {} }),
          fail: (err) => reject(networkError(err)),
        });
      }),
    ) as Promise<Data<P, M>>;
  }

  /** withSession sends with the current access token, refreshing on 40101 once. */
  private async withSession(auth: boolean, send: Send): Promise<unknown> {
    if (!auth) return unwrap(await send(null));
    if (this.refreshing) await this.refreshing.catch(() => undefined);
    const token = this.tokens.get()?.accessToken ?? null;
    try {
      return unwrap(await send(token));
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== 40101) throw e;
      const current = this.tokens.get()?.accessToken ?? null;
      const fresh = current !== null && current !== token ? current : await this.refresh();
      return unwrap(await send(fresh));
    }
  }

  /** refresh renews the session: one refresh in flight, every caller waits on it. */
  private refresh(): Promise<string> {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<string> {
    const stored = this.tokens.get();
    try {
      if (!stored) throw new ApiError({ status: 401, code: 40100, message: "登录已失效，请重新登录" });
      const t = await this.request("post", "/auth/refresh", { body: { refresh_token: stored.refreshToken }, auth: false });
      this.tokens.set({ accessToken: t.access_token, refreshToken: t.refresh_token });
      return t.access_token;
    } catch (e) {
      this.tokens.clear();
      const err = e instanceof ApiError ? e : new ApiError({ status: 0, code: BAD_REPLY, message: String(e) });
      this.opts.onSessionExpired?.(err);
      throw err;
    }
  }
}

/** createClient builds a Client; see ClientOptions. */
export function createClient(opts: ClientOptions): Client {
  return new Client(opts);
}

function authHeader(token: string | null): Record<string, string> {
  return token ? { Authorization: "Bearer " + token } : {};
}

function networkError(err: WxFail): ApiError {
  return new ApiError({ status: 0, code: NETWORK_ERROR, message: "网络连接失败，请检查网络后重试（" + err.errMsg + "）" });
}

function parseJSON(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

interface Envelope {
  code: number;
  message: string;
  data?: unknown;
  details?: ApiError["details"] | null;
  request_id?: string;
}

function isEnvelope(v: unknown): v is Envelope {
  return typeof v === "object" && v !== null && typeof (v as Envelope).code === "number" && typeof (v as Envelope).message === "string";
}

/** unwrap turns a reply into its data or throws its ApiError. */
function unwrap(raw: Raw): unknown {
  const requestId = headerValue(raw.header, "X-Request-ID");
  if (!isEnvelope(raw.body)) {
    throw new ApiError({ status: raw.status, code: BAD_REPLY, message: "服务器返回了无法识别的内容，请稍后再试", requestId });
  }
  const env = raw.body;
  if (env.code === 0 && raw.status >= 200 && raw.status < 300) return env.data;
  const retry = Number(headerValue(raw.header, "Retry-After"));
  throw new ApiError({
    status: raw.status,
    code: env.code as ApiError["code"],
    message: env.message,
    details: env.details,
    requestId: env.request_id || requestId,
    retryAfter: Number.isFinite(retry) && retry > 0 ? retry : undefined,
  });
}

function headerValue(h: Record<string, string>, name: string): string {
  const want = name.toLowerCase();
  for (const k of Object.keys(h)) if (k.toLowerCase() === want) return h[k];
  return "";
}

function fillPath(path: string, params: Record<string, string> | undefined): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params?.[name];
    if (v === undefined || v === "") throw new Error(`unionhub: path parameter ${name} missing for ${path}`);
    return encodeURIComponent(v);
  });
}

function queryString(query: unknown): string {
  if (!query || typeof query !== "object") return "";
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(String(v)));
  }
  return parts.length ? "?" + parts.join("&") : "";
}


