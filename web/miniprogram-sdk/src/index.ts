// UnionHub mini-program SDK: typed calls through wx.request.
export type { components, paths } from "./schema";
export type { ApiPath, Body, CallOptions, Data, Method, PathParams, PathsWith, Query, Schemas } from "./api";
export { ApiError, BAD_REPLY, NETWORK_ERROR, type ErrorCode, type FieldDetail } from "./errors";
export { Client, createClient, type ClientOptions, type IdempotentPath, type UploadKind } from "./client";
export { newIdempotencyKey } from "./idempotency";
export { memoryTokenStore, wxTokenStore, type TokenStore, type Tokens } from "./tokens";
export { watchCard, type Card, type CardWatch, type CardWatchOptions } from "./card";
export type { Wx, WxStorage } from "./wx";
