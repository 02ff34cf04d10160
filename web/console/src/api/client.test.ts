import { describe, expect, it, vi } from 'vitest'
import { ApiClient, filenameOf } from './client'
import { ApiError, NETWORK_ERROR } from './errors'
import { TokenStore } from './tokens'

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } })
}

function memoryStorage(): Storage {
  const m = new Map<string, string>()
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
    key: (i) => [...m.keys()][i] ?? null,
    get length() {
      return m.size
    },
  }
}

function setup(handler: (url: string, init: RequestInit) => Promise<Response> | Response) {
  const calls: { url: string; init: RequestInit }[] = []
  const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
    calls.push({ url, init })
    return handler(url, init)
  })
  const store = new TokenStore(memoryStorage())
  store.set({ access_token: 'A1', refresh_token: 'R1' })
  const ended = vi.fn()
  const client = new ApiClient({ fetch, store, onSessionEnd: ended })
  return { client, calls, store, ended, fetch }
}

const auth = (init: RequestInit) => (init.headers as Record<string, string>).Authorization

describe('ApiClient envelope', () => {
  it('returns data and sends the bearer token', async () => {
    const { client, calls } = setup(() => json(200, { code: 0, message: 'ok', data: { id: '7' }, request_id: 'r1' }))
    await expect(client.request('GET', '/me')).resolves.toEqual({ id: '7' })
    expect(calls[0].url).toBe('/api/v1/me')
    expect(auth(calls[0].init)).toBe('Bearer A1')
  })

  it('drops empty query values', async () => {
    const { client, calls } = setup(() => json(200, { code: 0, data: { items: [], next_cursor: null } }))
    await client.request('GET', '/admin/applications', { query: { status: 'submitted', overdue: '', cursor: undefined, limit: 20 } })
    expect(calls[0].url).toBe('/api/v1/admin/applications?status=submitted&limit=20')
  })

  const errorCases: { name: string; res: () => Response; want: Partial<ApiError> & { details?: unknown } }[] = [
    {
      name: 'validation error keeps message, code, request id and fields',
      res: () => json(422, { code: 40001, message: '填写的内容有误', details: [{ field: 'reason', message: '请填写理由' }], request_id: 'req-9' }),
      want: { code: 40001, message: '填写的内容有误', requestId: 'req-9', status: 422, details: [{ field: 'reason', message: '请填写理由' }] },
    },
    {
      name: 'stale version is a conflict',
      res: () => json(409, { code: 40900, message: '申请已被处理', request_id: 'req-c' }),
      want: { code: 40900, message: '申请已被处理', requestId: 'req-c', isConflict: true },
    },
    {
      name: 'a proxy page that is not JSON gets a Chinese message and the header request id',
      res: () => new Response('<html>Bad gateway</html>', { status: 502, headers: { 'X-Request-ID': 'hdr-1' } }),
      want: { code: 50200, message: '微信服务暂时不可用，请稍后再试', requestId: 'hdr-1' },
    },
    {
      name: 'rate limited',
      res: () => json(429, { code: 42900, message: '操作过于频繁', request_id: 'r' }),
      want: { code: 42900, message: '操作过于频繁', status: 429 },
    },
  ]
  for (const tc of errorCases) {
    it(tc.name, async () => {
      const { client } = setup(tc.res)
      const err = await client.request('GET', '/x').catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ApiError)
      expect(err).toMatchObject(tc.want)
    })
  }

  it('a network failure is an ApiError with a Chinese message', async () => {
    const { client } = setup(() => Promise.reject(new TypeError('Failed to fetch')))
    const err = (await client.request('GET', '/me').catch((e: unknown) => e)) as ApiError
    expect(err.code).toBe(NETWORK_ERROR)
    expect(err.message).toBe('无法连接服务器，请检查网络后重试')
  })
})

describe('ApiClient refresh', () => {
  it('refreshes once for concurrent 40101s and retries each call with the new token', async () => {
    let refreshes = 0
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const { client, calls, store, ended } = setup(async (url, init) => {
      if (url === '/api/v1/auth/refresh') {
        refreshes++
        expect(JSON.parse(init.body as string)).toEqual({ refresh_token: 'R1' })
        await gate
        return json(200, { code: 0, data: { access_token: 'A2', refresh_token: 'R2', expires_in: 7200 } })
      }
      if (auth(init) === 'Bearer A1') return json(401, { code: 40101, message: '登录已过期', request_id: 'x' })
      return json(200, { code: 0, data: { url } })
    })
    const all = Promise.all([client.request('GET', '/a'), client.request('GET', '/b'), client.request('GET', '/c')])
    await new Promise((r) => setTimeout(r, 10))
    release()
    await expect(all).resolves.toEqual([{ url: '/api/v1/a' }, { url: '/api/v1/b' }, { url: '/api/v1/c' }])
    expect(refreshes).toBe(1)
    expect(store.get()).toEqual({ access_token: 'A2', refresh_token: 'R2' })
    expect(calls.filter((c) => c.url !== '/api/v1/auth/refresh' && auth(c.init) === 'Bearer A2')).toHaveLength(3)
    expect(ended).not.toHaveBeenCalled()
  })

  it('a call that fails after another refresh finished retries without refreshing again', async () => {
    let refreshes = 0
    const { client } = setup(async (url, init) => {
      if (url === '/api/v1/auth/refresh') {
        refreshes++
        return json(200, { code: 0, data: { access_token: 'A2', refresh_token: 'R2', expires_in: 7200 } })
      }
      if (auth(init) === 'Bearer A1') return json(401, { code: 40101, message: '登录已过期' })
      return json(200, { code: 0, data: 1 })
    })
    await client.request('GET', '/a')
    await client.request('GET', '/b')
    expect(refreshes).toBe(1)
  })

  it('ends the session once when the refresh is refused', async () => {
    const { client, store, ended } = setup((url) => {
      if (url === '/api/v1/auth/refresh') return json(401, { code: 40100, message: '登录已失效' })
      return json(401, { code: 40101, message: '登录已过期', request_id: 'r-exp' })
    })
    const err = (await client.request('GET', '/me').catch((e: unknown) => e)) as ApiError
    expect(err.code).toBe(40101)
    expect(store.get()).toBeNull()
    expect(ended).toHaveBeenCalledTimes(1)
  })

  it('an invalid token (40100) ends the session without a refresh', async () => {
    const { client, ended, calls } = setup(() => json(401, { code: 40100, message: '未登录' }))
    await client.request('GET', '/me').catch(() => {})
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/me'])
    expect(ended).toHaveBeenCalledTimes(1)
  })

  it('a wrong login code (40102) on an anonymous call keeps the session handler quiet', async () => {
    const { client, ended } = setup(() => json(401, { code: 40102, message: '微信登录凭证无效' }))
    const err = (await client.request('POST', '/auth/wechat/login', { body: { code: 'x' }, anonymous: true }).catch((e: unknown) => e)) as ApiError
    expect(err.message).toBe('微信登录凭证无效')
    expect(ended).not.toHaveBeenCalled()
  })
})

describe('ApiClient session', () => {
  it('logout calls the API and forgets the tokens', async () => {
    const { client, calls, store } = setup(() => json(200, { code: 0, data: {} }))
    await client.logout()
    expect(calls[0].url).toBe('/api/v1/auth/logout')
    expect(store.get()).toBeNull()
  })

  it('keeps tokens in sessionStorage, never localStorage', () => {
    localStorage.clear()
    sessionStorage.clear()
    const s = new TokenStore()
    s.set({ access_token: 'a', refresh_token: 'r' })
    expect(localStorage.length).toBe(0)
    expect(sessionStorage.length).toBe(1)
    expect(new TokenStore().get()).toEqual({ access_token: 'a', refresh_token: 'r' })
    s.clear()
    expect(sessionStorage.length).toBe(0)
  })

  it('downloads a file and reads its name', async () => {
    const { client } = setup(
      () => new Response('PK', { status: 200, headers: { 'Content-Type': 'application/octet-stream', 'Content-Disposition': "attachment; filename*=UTF-8''%E6%A8%A1%E6%9D%BF.xlsx" } }),
    )
    const d = await client.download('/admin/imports/template')
    expect(d.filename).toBe('模板.xlsx')
    expect(await d.blob.text()).toBe('PK')
  })

  it('a download that answers an error envelope throws it', async () => {
    const { client } = setup(() => json(404, { code: 40400, message: '导出文件不存在或已过期', request_id: 'd1' }))
    await expect(client.download('/admin/exports/1/file')).rejects.toMatchObject({ code: 40400, requestId: 'd1' })
  })

  it.each([
    ['attachment; filename="members.csv"', 'members.csv'],
    [null, 'download'],
  ])('filenameOf(%s)', (h, want) => expect(filenameOf(h)).toBe(want))
})
