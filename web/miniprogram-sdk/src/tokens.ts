import type { WxStorage } from "./wx";

/** The session: the access token sent as Bearer and the refresh token. */
export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

/** Where the client keeps the session. */
export interface TokenStore {
  get(): Tokens | null;
  set(tokens: Tokens): void;
  clear(): void;
}

/** memoryTokenStore keeps the session for the life of the process. */
export function memoryTokenStore(): TokenStore {
  let tokens: Tokens | null = null;
  return {
    get: () => tokens,
    set: (t) => {
      tokens = t;
    },
    clear: () => {
      tokens = null;
    },
  };
}

/**
 * wxTokenStore keeps the session in the mini-program's storage
 * (wx.setStorageSync), so it survives a restart of the mini-program.
 */
export function wxTokenStore(wx: WxStorage, key = "unionhub.tokens"): TokenStore {
  return {
    get: () => {
      const v = wx.getStorageSync(key) as Partial<Tokens> | "" | undefined;
      return v && typeof v.accessToken === "string" && typeof v.refreshToken === "string"
        ? { accessToken: v.accessToken, refreshToken: v.refreshToken }
        : null;
    },
    set: (t) => wx.setStorageSync(key, t),
    clear: () => wx.removeStorageSync(key),
  };
}
