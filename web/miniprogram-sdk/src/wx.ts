// The parts of the mini-program's `wx` object the client uses, so the SDK
// needs no typings package and tests can pass a fake.

/** What wx.request hands its success callback. */
export interface WxResponse {
  statusCode: number;
  data: unknown;
  header?: Record<string, string>;
}

/** What wx.uploadFile hands its success callback: data is the raw body. */
export interface WxUploadResponse {
  statusCode: number;
  data: string;
  header?: Record<string, string>;
}

/** The failure callback's argument of both calls. */
export interface WxFail {
  errMsg: string;
}

export interface WxRequestOptions {
  url: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  data?: unknown;
  header: Record<string, string>;
  timeout?: number;
  dataType: "json";
  success: (res: WxResponse) => void;
  fail: (err: WxFail) => void;
}

export interface WxUploadOptions {
  url: string;
  filePath: string;
  name: string;
  formData: Record<string, string>;
  header: Record<string, string>;
  timeout?: number;
  success: (res: WxUploadResponse) => void;
  fail: (err: WxFail) => void;
}

/** The subset of `wx` the client calls. Pass the mini-program's own `wx`. */
export interface Wx {
  request(options: WxRequestOptions): unknown;
  uploadFile(options: WxUploadOptions): unknown;
}

/** The storage calls wxTokenStore uses. */
export interface WxStorage {
  getStorageSync(key: string): unknown;
  setStorageSync(key: string, value: unknown): void;
  removeStorageSync(key: string): void;
}
