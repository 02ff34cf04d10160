// The one place that talks HTTP to the UnionHub API: it adds the Bearer
// token, unwraps the envelope ({code, message, data, request_id}), turns
// errors into ApiError and refreshes an expired access token one refresh
// at a time (API.md §2: a spent refresh token presented again revokes the
// whole session, so concurrent 40101s must share one refresh).

import { ApiError, fallbackError, networkError } from './errors'
import { TokenStore, type Tokens } from './tokens'

export const BASE = '/api/v1'

type Query = Record<string, string | number | boolean | null | undefined>

export interface RequestOptions {
  query?: Query
  body?: unknown
  form?: FormData
  /** Send without the Authorization header (login, refresh). */
  anonymous?: boolean
}

export interface Download {
  blob: Blob
  filename: string
}

type FetchFn = (input: string, init?: RequestInit) => Promise<Response>

export interface ClientOptions {
  fetch?: FetchFn
  store?: TokenStore
  /** Called once when the session cannot continue (refresh refused, token invalid). */
  onSessionEnd?: () => void
}

interface Envelope<T> {
  code: number
  message: string
  data?: T
  details?: { field: string; message: string }[]
  request_id?: string
}

export function buildURL(path: string, query?: Query): string {
  let url = BASE + path
  if (query) {
    const q = new URLSearchParams()
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue
      q.set(k, String(v))
    }
    const s = q.toString()
    if (s) url += '?' + s
  }
  return url
}

export class ApiClient {
  readonly store: TokenStore
  private fetchFn: FetchFn
  private refreshing: Promise<boolean> | null = null
  private onSessionEnd: () => void

  constructor(opts: ClientOptions = {}) {
    this.fetchFn = opts.fetch ?? ((input, init) => fetch(input, init))
    this.store = opts.store ?? new TokenStore()
    this.onSessionEnd = opts.onSessionEnd ?? (() => {})
  }

  setSessionEndHandler(fn: () => void): void {
    this.onSessionEnd = fn
  }

  get loggedIn(): boolean {
    return this.store.get() !== null
  }

  setTokens(t: Tokens): void {
    this.store.set(t)
  }

  /** request sends one call and returns the envelope's data. */
  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, opts)
    return (await this.unwrap<T>(res)) as T
  }

  /** download fetches a file (template, export, join code) as a Blob. */
  async download(path: string, query?: Query): Promise<Download> {
    const res = await this.send('GET', path, { query })
    const type = res.headers.get('Content-Type') ?? ''
    if (!res.ok || type.includes('application/json')) {
      await this.unwrap(res)
      throw fallbackError(res.status, res.headers.get('X-Request-ID') ?? '')
    }
    return { blob: await res.blob(), filename: filenameOf(res.headers.get('Content-Disposition')) }
  }

  /** logout ends the session on the server (best effort) and forgets the tokens. */
  async logout(): Promise<void> {
    if (this.store.get()) {
      try {
        await this.request('POST', '/auth/logout')
      } catch {
        // The tokens are dropped either way.
      }
    }
    this.store.clear()
  }

  private async send(method: string, path: string, opts: RequestOptions, retried = false): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' }
    let body: BodyInit | undefined
    if (opts.form) {
      body = opts.form
    } else if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json'
      body = JSON.stringify(opts.body)
    }
    const tokens = this.store.get()
    if (!opts.anonymous && tokens) headers.Authorization = 'Bearer ' + tokens.access_token
    let res: Response
    try {
      res = await this.fetchFn(buildURL(path, opts.query), { method, headers, body, credentials: 'same-origin', cache: 'no-store' })
    } catch {
      throw networkError()
    }
    if (res.status === 401 && !opts.anonymous && tokens) {
      const code = await peekCode(res)
      if (code === 40101 && !retried) {
        if (await this.refresh(tokens)) return this.send(method, path, opts, true)
      }
      if (code === 40100 || code === 40101) {
        this.endSession()
      }
    }
    return res
  }

  /**
   * refresh swaps the refresh token for a new pair. Callers that hit 40101
   * at the same time share one refresh; a caller that arrives after another
   * refresh already replaced the tokens just retries with them.
   */
  private refresh(stale: Tokens): Promise<boolean> {
    const current = this.store.get()
    if (current && current.access_token !== stale.access_token) return Promise.resolve(true)
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = null
      })
    }
    return this.refreshing
  }

  private async doRefresh(): Promise<boolean> {
    const t = this.store.get()
    if (!t) return false
    try {
      const res = await this.fetchFn(buildURL('/auth/refresh'), {
        method: 'POST',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh_token: t.refresh_token }),
        cache: 'no-store',
      })
      if (!res.ok) return false
      const env = (await res.json()) as Envelope<Tokens>
      if (env.code !== 0 || !env.data) return false
      this.store.set(env.data)
      return true
    } catch {
      return false
    }
  }

  private endSession(): void {
    if (!this.store.get()) return
    this.store.clear()
    this.onSessionEnd()
  }

  private async unwrap<T>(res: Response): Promise<T | undefined> {
    const rid = res.headers.get('X-Request-ID') ?? ''
    let env: Envelope<T>
    try {
      env = (await res.json()) as Envelope<T>
    } catch {
      throw fallbackError(res.status, rid)
    }
    if (!env || typeof env.code !== 'number') throw fallbackError(res.status, rid)
    if (env.code !== 0 || !res.ok) {
      throw new ApiError(env.code || res.status * 100, env.message || fallbackError(res.status, rid).message, res.status,
        env.request_id || rid, env.details ?? [])
    }
    return env.data
  }
}

async function peekCode(res: Response): Promise<number | null> {
  try {
    const env = (await res.clone().json()) as Envelope<unknown>
    return typeof env.code === 'number' ? env.code : null
  } catch {
    return null
  }
}

export function filenameOf(disposition: string | null): string {
  if (!disposition) return 'download'
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''))
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition)
  return plain ? plain[1] : 'download'
}
