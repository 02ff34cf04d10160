// A fake wx: each request or upload goes to a handler that answers like
// the server; replies arrive asynchronously, as on a device.
import type { Wx, WxRequestOptions, WxUploadOptions } from "../src/wx";

export interface Call {
  kind: "request" | "upload";
  method: string;
  url: string;
  path: string;
  header: Record<string, string>;
  data?: unknown;
  filePath?: string;
  formData?: Record<string, string>;
}

export type Reply = { status: number; body: unknown; header?: Record<string, string> } | "network-error";

export type Handler = (call: Call) => Reply | Promise<Reply>;

export const BASE = "https://api.example.org/api/v1";

export function ok(data: unknown, status = 200): Reply {
  return { status, body: { code: 0, message: "ok", data, request_id: "req-ok" } };
}

export function fail(status: number, code: number, message: string, extra: Record<string, unknown> = {}, header: Record<string, string> = {}): Reply {
  return { status, body: { code, message, request_id: "req-" + code, ...extra }, header };
}

export class FakeWx implements Wx {
  calls: Call[] = [];
  constructor(public handler: Handler) {}

  request(o: WxRequestOptions): void {
    const call: Call = { kind: "request", method: o.method, url: o.url, path: pathOf(o.url), header: o.header, data: o.data };
    this.dispatch(call, (r) => o.success({ statusCode: r.status, data: r.body, header: r.header ?? {} }), o.fail);
  }

  uploadFile(o: WxUploadOptions): void {
    const call: Call = { kind: "upload", method: "POST", url: o.url, path: pathOf(o.url), header: o.header, filePath: o.filePath, formData: o.formData };
    // wx.uploadFile hands the body over as a string.
    this.dispatch(call, (r) => o.success({ statusCode: r.status, data: JSON.stringify(r.body) }), o.fail);
  }

  /** The calls to path (without the query), in order. */
  to(path: string): Call[] {
    return this.calls.filter((c) => c.path === path);
  }

  private dispatch(call: Call, success: (r: Exclude<Reply, string>) => void, failCb: (e: { errMsg: string }) => void): void {
    this.calls.push(call);
    Promise.resolve()
      .then(() => this.handler(call))
      .then((r) => (r === "network-error" ? failCb({ errMsg: "request:fail timeout" }) : success(r)));
  }
}

function pathOf(url: string): string {
  return url.slice(BASE.length).split("?")[0];
}

/** A promise and its resolver, to hold a reply back. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
