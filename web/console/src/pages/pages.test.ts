// A few pages against a mocked API (the session module is replaced).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { computed, reactive } from 'vue'
import ElementPlus from 'element-plus'
import { ApiError } from '../api/errors'

const api = vi.hoisted(() => ({
  overview: vi.fn(),
  applications: vi.fn(),
  applicationDetail: vi.fn(),
  approve: vi.fn(),
  reject: vi.fn(),
  returnApp: vi.fn(),
  assign: vi.fn(),
  benefits: vi.fn(),
  createBenefit: vi.fn(),
  consoleConfig: vi.fn(),
  createTicket: vi.fn(),
  pollTicket: vi.fn(),
  devLogin: vi.fn(),
}))

vi.mock('../session', () => {
  const role = { id: 'r1', org_id: '10', org_name: '武汉市总工会', role: 'federation_admin' }
  return {
    api,
    activeRole: computed(() => role),
    adminRoles: computed(() => [role]),
    session: reactive({ me: null, endedMessage: '', activeRoleId: 'r1' }),
    signIn: vi.fn(),
    signOut: vi.fn(),
  }
})

vi.mock('vue-router', () => ({ useRouter: () => ({ replace: vi.fn(), push: vi.fn() }), useRoute: () => ({ query: {}, path: '/' }) }))
vi.mock('element-plus', async (orig) => {
  const mod = await orig<typeof import('element-plus')>()
  return { ...mod, ElMessageBox: { confirm: vi.fn().mockResolvedValue('confirm') } }
})

const stubs = { TrendChart: true }

beforeEach(() => {
  for (const f of Object.values(api)) f.mockReset()
})
afterEach(() => {
  vi.useRealTimers()
  document.body.innerHTML = ''
})

const overview = {
  org_name: '武汉市总工会',
  members: { total: 1234, active: 1200, female: 600, migrant_workers: 100, dispatched: 10, floating: 20 },
  workers_total: 2000,
  membership_rate: 0.617,
  applications: { pending: 7, approved_month: 3, rejected_month: 1, overdue: 2 },
  grassroots_unions: 12,
  by_child: [
    { org_id: '11', name: '江岸区总工会', members_total: 800, workers_total: 1000, membership_rate: 0.8, pending: 5 },
    { org_id: '12', name: '洪山区总工会', members_total: 434, workers_total: 1000, membership_rate: 0.434, pending: 2 },
  ],
  trend: [{ month: '2026-11', joined: 5, left: 1 }],
}

describe('DashboardPage', () => {
  it('shows the overview numbers and drills into a child', async () => {
    api.overview.mockResolvedValue(overview)
    const { default: Page } = await import('./DashboardPage.vue')
    const w = mount(Page, { global: { plugins: [ElementPlus], stubs } })
    await flushPromises()
    expect(api.overview).toHaveBeenCalledWith('10')
    expect(w.get('[data-testid=stat-total]').text()).toBe('1234')
    expect(w.get('[data-testid=stat-rate]').text()).toBe('61.7%')
    expect(w.get('[data-testid=stat-pending]').text()).toBe('7')
    expect(w.get('[data-testid=stat-overdue]').text()).toBe('2')
    expect(w.text()).toContain('江岸区总工会')

    api.overview.mockResolvedValue({ ...overview, org_name: '江岸区总工会', by_child: [] })
    const link = w.findAll('a, .el-link').find((l) => l.text() === '江岸区总工会')
    await link!.trigger('click')
    await flushPromises()
    expect(api.overview).toHaveBeenLastCalledWith('11')
    expect(w.text()).toContain('没有下级组织')
  })

  it('shows the API error with its request id', async () => {
    api.overview.mockRejectedValue(new ApiError(50300, '服务暂时不可用，请稍后再试', 503, 'rid-42'))
    const { default: Page } = await import('./DashboardPage.vue')
    const w = mount(Page, { global: { plugins: [ElementPlus], stubs } })
    await flushPromises()
    expect(w.text()).toContain('服务暂时不可用，请稍后再试')
    expect(w.get('[data-testid=request-id]').text()).toBe('rid-42')
  })
})

const item = {
  id: '501', org_id: '20', org_name: '光谷制造工会', status: 'submitted', version: 3, name: '张*', name_masked: '张*',
  id_number_masked: '420111********0011', gender: 'male', age: 30, created_at: '2026-11-30T09:00:00+08:00', submitted_at: '2026-11-30T09:00:00+08:00',
}

describe('ReviewPage', () => {
  it('loads more with the cursor, and explains a stale version', async () => {
    api.applications
      .mockResolvedValueOnce({ items: [item], next_cursor: 'c2' })
      .mockResolvedValueOnce({ items: [{ ...item, id: '502', name: '李*' }], next_cursor: null })
    const { default: Page } = await import('./ReviewPage.vue')
    const w = mount(Page, { global: { plugins: [ElementPlus] }, attachTo: document.body })
    await flushPromises()
    expect(api.applications).toHaveBeenCalledWith({ status: 'submitted', overdue: '', cursor: undefined, limit: 20 })
    const more = w.findAll('button').find((b) => b.text() === '加载更多')!
    await more.trigger('click')
    await flushPromises()
    expect(api.applications).toHaveBeenLastCalledWith({ status: 'submitted', overdue: '', cursor: 'c2', limit: 20 })
    expect(w.text()).toContain('李*')

    // Open the first, approve: someone else decided it meanwhile.
    await w.get('[data-testid=open-501]').trigger('click')
    await flushPromises()
    expect(document.body.textContent).toContain('查看完整信息会记入审计日志')
    api.approve.mockRejectedValue(new ApiError(40900, '申请状态已变化', 409, 'rid-c'))
    api.applications.mockResolvedValue({ items: [{ ...item, status: 'approved', version: 4 }], next_cursor: null })
    ;(document.querySelector('[data-testid=approve]') as HTMLElement).click()
    await flushPromises()
    expect(api.approve).toHaveBeenCalledWith('501', 3)
    expect(document.querySelector('[data-testid=conflict]')?.textContent).toContain('该申请已被他人处理或修改')
    expect(document.querySelector('[data-testid=conflict]')?.textContent).toContain('已通过')
    w.unmount()
  })

  it('shows the full detail only after 查看完整信息 and says it is recorded', async () => {
    api.applications.mockResolvedValue({ items: [item], next_cursor: null })
    api.applicationDetail.mockResolvedValue({ ...item, name: '张三', id_number: '42011119960101001X', phone: '13800138000', phone_masked: '138****8000', id_type: 'resident_id' })
    const { default: Page } = await import('./ReviewPage.vue')
    const w = mount(Page, { global: { plugins: [ElementPlus] }, attachTo: document.body })
    await flushPromises()
    await w.get('[data-testid=open-501]').trigger('click')
    await flushPromises()
    expect(api.applicationDetail).not.toHaveBeenCalled()
    expect(document.body.textContent).toContain('420111********0011')
    ;(document.querySelector('[data-testid=view-full]') as HTMLElement).click()
    await flushPromises()
    expect(api.applicationDetail).toHaveBeenCalledWith('501')
    expect(document.body.textContent).toContain('42011119960101001X')
    expect(document.querySelector('[data-testid=full-recorded]')?.textContent).toContain('已记入审计日志')
    w.unmount()
  })
})

describe('ReviewPage 转派', () => {
  // The mocked caller is a federation admin: the role alone does not show
  // 转派; the server's can_assign (submitted, at an intake point, in scope) does.
  const cases = [
    { name: 'at an intake point, assignable', row: { ...item, id: '601', org_name: '洪山区总工会', can_assign: true }, shown: true },
    { name: 'at a grassroots union', row: { ...item, id: '602', can_assign: false }, shown: false },
    { name: 'a server without the field', row: { ...item, id: '603' }, shown: false },
  ]
  for (const c of cases) {
    it(`${c.shown ? 'shows' : 'hides'} 转派: ${c.name}`, async () => {
      api.applications.mockResolvedValue({ items: [c.row], next_cursor: null })
      const { default: Page } = await import('./ReviewPage.vue')
      const w = mount(Page, { global: { plugins: [ElementPlus] }, attachTo: document.body })
      await flushPromises()
      await w.get(`[data-testid=open-${c.row.id}]`).trigger('click')
      await flushPromises()
      expect(document.querySelector('[data-testid=approve]')).not.toBeNull()
      expect(document.querySelector('[data-testid=assign]') !== null).toBe(c.shown)
      w.unmount()
    })
  }

  it('hides 转派 once the application is assigned', async () => {
    const row = { ...item, id: '601', org_name: '洪山区总工会', can_assign: true }
    api.applications.mockResolvedValue({ items: [row], next_cursor: null })
    api.assign.mockResolvedValue({ ...row, org_id: '20', org_name: '光谷制造工会', version: 4, can_assign: false })
    const { default: Page } = await import('./ReviewPage.vue')
    const w = mount(Page, { global: { plugins: [ElementPlus], stubs: { OrgPicker: true } }, attachTo: document.body })
    await flushPromises()
    await w.get('[data-testid=open-601]').trigger('click')
    await flushPromises()
    ;(document.querySelector('[data-testid=assign]') as HTMLElement).click()
    await flushPromises()
    const vm = w.findComponent({ name: 'OrgPicker' })
    vm.vm.$emit('update:modelValue', '20')
    await flushPromises()
    const confirm = Array.from(document.querySelectorAll('.el-dialog button')).find((b) => b.textContent?.trim() === '转派') as HTMLElement
    confirm.click()
    await flushPromises()
    expect(api.assign).toHaveBeenCalledWith('601', 3, '20', '')
    expect(document.querySelector('[data-testid=assign]')).toBeNull()
    w.unmount()
  })
})

describe('BenefitsPage', () => {
  it('shows how many times each benefit was redeemed', async () => {
    const b = { org_id: '10', org_name: '武汉市总工会', description: '', starts_on: '2026-12-01', ends_on: '2026-12-31', per_member_limit: null, created_at: '2026-11-30T09:00:00+08:00' }
    api.benefits.mockResolvedValue({
      items: [{ ...b, id: 'b1', title: '职工体检优惠', redemption_count: 42 }, { ...b, id: 'b2', title: '电影票', redemption_count: 0 }],
      next_cursor: null,
    })
    const { default: Page } = await import('./BenefitsPage.vue')
    const w = mount(Page, { global: { plugins: [ElementPlus] } })
    await flushPromises()
    expect(api.benefits).toHaveBeenCalledWith({ org_id: '10', cursor: undefined })
    expect(w.get('[data-testid=redemptions-b1]').text()).toBe('42')
    expect(w.get('[data-testid=redemptions-b2]').text()).toBe('0')
    expect(w.text()).not.toContain('暂未提供')
    w.unmount()
  })
})

describe('LoginPage', () => {
  it('offers development login only when the server says so, and shows an expired code', async () => {
    vi.useFakeTimers()
    api.consoleConfig.mockResolvedValue({ dev_login: true })
    api.createTicket.mockResolvedValue({ ticket: 't1', qrcode: 'data:image/png;base64,AAAA', expires_at: new Date(Date.now() + 120000).toISOString() })
    api.pollTicket.mockRejectedValue(new ApiError(40400, '不存在', 404, 'r'))
    const { default: Page } = await import('./LoginPage.vue')
    const w = mount(Page, { global: { plugins: [ElementPlus] } })
    await flushPromises()
    expect(w.find('[data-testid=dev-login]').exists()).toBe(true)
    expect(w.get('[data-testid=login-qrcode]').attributes('src')).toBe('data:image/png;base64,AAAA')
    await vi.advanceTimersByTimeAsync(2100)
    await flushPromises()
    expect(api.pollTicket).toHaveBeenCalledWith('t1')
    expect(w.get('[data-testid=qr-expired]').text()).toBe('二维码已过期')
    expect(w.findAll('button').some((b) => b.text() === '刷新')).toBe(true)
    w.unmount()
  })

  it('has no development login in production', async () => {
    api.consoleConfig.mockResolvedValue({ dev_login: false })
    api.createTicket.mockResolvedValue({ ticket: 't1', qrcode: 'data:image/png;base64,AAAA', expires_at: new Date(Date.now() + 120000).toISOString() })
    api.pollTicket.mockResolvedValue({ status: 'pending' })
    const { default: Page } = await import('./LoginPage.vue')
    const w = mount(Page, { global: { plugins: [ElementPlus] } })
    await flushPromises()
    expect(w.find('[data-testid=dev-login]').exists()).toBe(false)
    w.unmount()
  })
})
