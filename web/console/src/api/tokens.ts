// Tokens live in memory and in sessionStorage (so a reload of the tab keeps
// the session, and closing the tab ends it); never in localStorage.

export interface Tokens {
  access_token: string
  refresh_token: string
}

const KEY = 'unionhub.console.session'

export class TokenStore {
  private tokens: Tokens | null = null

  constructor(private storage: Storage | null = typeof sessionStorage === 'undefined' ? null : sessionStorage) {
    try {
      const raw = this.storage?.getItem(KEY)
      if (raw) {
        const t = JSON.parse(raw) as Tokens
        if (t && typeof t.access_token === 'string' && typeof t.refresh_token === 'string') this.tokens = t
      }
    } catch {
      this.tokens = null
    }
  }

  get(): Tokens | null {
    return this.tokens
  }

  set(t: Tokens): void {
    this.tokens = { access_token: t.access_token, refresh_token: t.refresh_token }
    this.storage?.setItem(KEY, JSON.stringify(this.tokens))
  }

  clear(): void {
    this.tokens = null
    this.storage?.removeItem(KEY)
  }
}
