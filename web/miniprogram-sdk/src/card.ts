import type { Schemas } from "./api";
import type { Client } from "./client";
import { ApiError } from "./errors";

export type Card = Schemas["Card"];

export interface CardWatchOptions {
  /** Called with every fresh card; draw card.qr.token as the QR code. */
  onCard: (card: Card) => void;
  /** Called when a fetch fails; the watcher retries unless the session is gone. */
  onError?: (err: ApiError) => void;
  /** The clock, for tests (Date.now by default). */
  now?: () => number;
}

export interface CardWatch {
  /** Stop refetching (the page's onHide / onUnload). */
  stop(): void;
}

/** Bounds of the wait before the next fetch. */
const MIN_WAIT = 1_000;
const MAX_WAIT = 5 * 60_000;
const SUSPENDED_WAIT = 60_000;
const ERROR_WAIT = 10_000;

/**
 * watchCard fetches GET /me/card now and again at each QR token's
 * refresh_after (a token lives 90 s and should be replaced after 60 s), so
 * the QR code shown is always valid. A suspended card (qr null) is checked
 * every minute; a failed fetch is retried after 10 s (or Retry-After),
 * except when the session is gone (401), which stops the watch.
 */
export function watchCard(client: Client, opts: CardWatchOptions): CardWatch {
  const now = opts.now ?? Date.now;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(run, Math.min(MAX_WAIT, Math.max(MIN_WAIT, ms)));
  };

  async function run(): Promise<void> {
    timer = undefined;
    try {
      const card = await client.get("/me/card");
      if (stopped) return;
      opts.onCard(card);
      schedule(card.qr ? Date.parse(card.qr.refresh_after) - now() : SUSPENDED_WAIT);
    } catch (e) {
      if (stopped) return;
      const err = e instanceof ApiError ? e : new ApiError({ status: 0, code: -2, message: String(e) });
      opts.onError?.(err);
      if (err.status === 401) return;
      schedule(err.retryAfter !== undefined ? err.retryAfter * 1000 : ERROR_WAIT);
    }
  }

  void run();
  return {
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
