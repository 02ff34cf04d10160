// End-to-end run of the console against a real `unionhub serve` (embedded
// default, fake WeChat), driving Debian's chromium with playwright-core.
// The Go test web/console/console_test.go starts the server and sets:
//   E2E_BASE_URL     http://127.0.0.1:PORT
//   E2E_INVITE_CODE  the federation_admin invitation `unionhub seed-demo` printed
//   E2E_ROOT_ORG     the demo province's org id
//   E2E_IMPORT_XLSX  a roll with one good row and two bad rows (rows 3 and 4)
//   E2E_OUT          where screenshots and downloads go
//   E2E_CHROMIUM     the browser (default /usr/bin/chromium)
import { mkdtempSync, mkdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { apiClient, applyAsWorker, firstGrassroots } from './fixtures.mjs'

const base = need('E2E_BASE_URL')
const out = process.env.E2E_OUT || mkdtempSync(join(tmpdir(), 'console-e2e-'))
mkdirSync(out, { recursive: true })
const api = apiClient(base)
const started = Date.now()
const violations = []
const steps = []
const pages = []

function need(name) {
  const v = process.env[name]
  if (!v) {
    console.error(`e2e: ${name} is not set`)
    process.exit(2)
  }
  return v
}

async function step(name, fn) {
  const t0 = Date.now()
  try {
    await fn()
  } catch (e) {
    console.error(`FAIL ${name}: ${e?.stack ?? e}`)
    throw e
  }
  const ms = Date.now() - t0
  steps.push([name, ms])
  console.log(`ok   ${name} (${(ms / 1000).toFixed(1)} s)`)
}

/** field finds an Element Plus input by the data-testid given to the component. */
function field(id) {
  return `input[data-testid=${id}], textarea[data-testid=${id}], [data-testid=${id}] input, [data-testid=${id}] textarea`
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg)
}

// ---------- set-up through the API, as the mini-program would ----------
let fed, chair, union, apps
await step('set-up: federation admin, chair, applications', async () => {
  fed = await api.login('fedadmin')
  await api.call('POST', '/invitations/accept', { token: fed.access_token, body: { code: need('E2E_INVITE_CODE') } })
  union = await firstGrassroots(api, fed.access_token, need('E2E_ROOT_ORG'))
  const inv = await api.call('POST', '/admin/invitations', { token: fed.access_token, body: { org_id: union.id, role: 'union_chair' } })
  chair = await api.login('chair')
  await api.call('POST', '/invitations/accept', { token: chair.access_token, body: { code: inv.code } })
  apps = []
  for (let i = 0; i < 2; i++) apps.push(await applyAsWorker(api, `worker${i}`, union.id, i))
})

// playwright-core gives every launch a fresh temporary --user-data-dir of
// its own (and refuses one in args), so no profile is shared or kept.
const browser = await chromium.launch({
  executablePath: process.env.E2E_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
})

async function newPage(label, viewport = { width: 1366, height: 768 }) {
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', acceptDownloads: true })
  // Injected by the DevTools protocol, not by the page: the CSP does not apply to it.
  await ctx.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`)
    })
  })
  const page = await ctx.newPage()
  pages.push([label, page])
  page.on('console', (m) => {
    const t = m.text()
    if (/Content Security Policy|CSP violation/i.test(t)) violations.push(`[${label}] ${page.url()}: ${t}`)
  })
  page.on('pageerror', (e) => violations.push(`[${label}] page error at ${page.url()}: ${e.message}`))
  return page
}

async function devLogin(page, name) {
  await page.goto(base + '/console/')
  await page.waitForURL(/\/console\/login/)
  await page.locator(field('dev-name')).fill(name)
  await page.getByTestId('dev-login').click()
  await page.waitForURL(/\/console\/dashboard/)
}

async function navLabels(page) {
  await page.locator('.shell-aside .el-menu-item').first().waitFor()
  return page.locator('.shell-aside .el-menu-item').allInnerTexts()
}

let exitCode = 0
try {
  await step('console headers: CSP, no framing, no-store', async () => {
    const res = await fetch(base + '/console/')
    const csp = res.headers.get('content-security-policy') || ''
    assert(res.status === 200, `/console/ answered ${res.status}`)
    assert(/script-src 'self'/.test(csp) && !/unsafe-inline/.test(csp), `CSP missing or weak: "${csp}"`)
    assert(/DENY/i.test(res.headers.get('x-frame-options') || '') || /frame-ancestors 'none'/.test(csp), 'framing is allowed')
    const html = await res.text()
    assert(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(html), 'index.html has an inline script')
    assert(!/\sstyle="/i.test(html), 'index.html has a style attribute')
  })

  const page = await newPage('federation admin')
  await step('development login as a federation admin', () => devLogin(page, 'fedadmin'))

  await step('工作台 numbers equal GET /admin/stats/overview; screenshot', async () => {
    await page.getByTestId('stat-total').waitFor()
    const ov = await api.call('GET', `/admin/stats/overview?org_id=${need('E2E_ROOT_ORG')}&sort=rate`, { token: fed.access_token })
    const text = async (id) => (await page.getByTestId(id).innerText()).trim()
    const rate = ov.membership_rate == null ? '—' : (ov.membership_rate * 100).toFixed(1) + '%'
    const want = { 'stat-total': String(ov.members.total), 'stat-rate': rate, 'stat-pending': String(ov.applications.pending),
      'stat-overdue': String(ov.applications.overdue ?? 0) }
    for (const [id, v] of Object.entries(want)) assert((await text(id)) === v, `${id}: page shows ${await text(id)}, API ${v}`)
    assert(ov.applications.pending >= 2, `pending ${ov.applications.pending}, want the two applications`)
    assert((await navLabels(page)).join(',') === '工作台,入会审核,会员管理,组织管理,导入导出,普惠服务,权益请求,审计日志', 'federation admin navigation')
    await page.locator('canvas').first().waitFor()
    // Drill down into the first child of the ranking.
    const first = page.getByTestId('ranking').locator('.el-link').first()
    const name = (await first.innerText()).trim()
    await first.click()
    await page.locator('.el-breadcrumb').getByText(name).waitFor()
  })

  await step('入会审核: review and approve an application through the UI', async () => {
    await page.locator('.shell-aside').getByText('入会审核').click()
    await page.waitForURL(/\/console\/review/)
    const target = apps[0]
    await page.getByTestId(`open-${target.id}`).click()
    await page.getByTestId('view-full').click()
    await page.getByTestId('full-recorded').waitFor()
    await page.getByTestId('approve').click()
    await page.locator('.el-message-box').getByRole('button', { name: '通过' }).click()
    await page.getByTestId('approved').waitFor()
    const page1 = await api.call('GET', `/admin/applications?status=approved&org_id=${union.id}`, { token: fed.access_token })
    assert(page1.items.some((a) => a.id === target.id), 'the application is not approved in the API')
    await page.keyboard.press('Escape') // the drawer closes from the keyboard
    await page.getByTestId('review-drawer').waitFor({ state: 'hidden' })
  })

  await step('phone-sized viewport renders the dashboard', async () => {
    const phone = await newPage('phone', { width: 390, height: 844 })
    await phone.goto(base + '/console/login')
    await phone.locator(field('dev-name')).fill('fedadmin')
    await phone.getByTestId('dev-login').click()
    await phone.getByTestId('stat-total').waitFor()
    await phone.locator('canvas').first().waitFor()
    await phone.waitForTimeout(300)
    const wide = await phone.evaluate(() =>
      [...document.querySelectorAll('.panel, .stat, .shell-header, canvas')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map((e) => `${e.className || e.tagName} ends at ${Math.round(e.getBoundingClientRect().right)}px`))
    assert(wide.length === 0, `wider than the phone (${390}px): ${wide.join('; ')}`)
    await phone.screenshot({ path: join(out, 'console-dashboard-phone.png') })
    await phone.context().close()
  })

  const cp = await newPage('union chair')
  await step('union_chair: no 审计日志 in the navigation', async () => {
    await devLogin(cp, 'chair')
    const labels = await navLabels(cp)
    assert(!labels.includes('审计日志'), `chair sees ${labels.join(',')}`)
    assert(labels.includes('导入导出'), 'chair must see 导入导出')
    await cp.goto(base + '/console/audit')
    await cp.waitForURL(/\/console\/dashboard/)
  })

  await step('导入导出: an import with two bad rows shows both row errors', async () => {
    await cp.locator('.shell-aside').getByText('导入导出').click()
    await cp.getByTestId('import-file').setInputFiles(need('E2E_IMPORT_XLSX'))
    await cp.getByTestId('import-start').click()
    const table = cp.getByTestId('import-errors')
    await table.waitFor({ timeout: 30_000 })
    await cp.getByTestId('import-summary').getByText('已完成').waitFor({ timeout: 30_000 })
    const rows = await table.locator('tbody tr').allInnerTexts()
    assert(rows.length === 2, `want 2 row errors, got ${rows.length}: ${rows.join(' | ')}`)
    assert(/^3\b/.test(rows[0].trim()) && /^4\b/.test(rows[1].trim()), `row numbers: ${rows.join(' | ')}`)
    const summary = await cp.getByTestId('import-summary').innerText()
    assert(/已导入 1 行/.test(summary) && /有问题 2 行/.test(summary), summary)
  })

  await step('导入导出: an export with a reason downloads a file', async () => {
    await cp.getByTestId('export-start').click()
    await cp.locator(field('reason-input')).fill('端到端测试：年度会员统计报送')
    await cp.getByTestId('reason-confirm').click()
    const button = cp.getByTestId('export-download')
    await button.waitFor({ timeout: 30_000 })
    const [download] = await Promise.all([cp.waitForEvent('download'), button.click()])
    const file = join(mkdtempSync(join(tmpdir(), 'console-download-')), download.suggestedFilename())
    await download.saveAs(file)
    assert(statSync(file).size > 100, 'the exported file is empty')
  })

  await step('scan-to-login: ticket confirmed as the mini-program would', async () => {
    const sp = await newPage('scan login')
    await sp.goto(base + '/console/login')
    const img = sp.getByTestId('login-qrcode')
    await img.waitFor()
    const src = await img.getAttribute('src')
    assert(src?.startsWith('data:image/png;base64,'), 'qrcode is not a PNG data URL')
    const ticket = await img.getAttribute('data-ticket')
    // The mini-program, logged in as the federation admin, confirms.
    const mp = await api.login('fedadmin')
    await api.call('POST', `/console/login-tickets/${encodeURIComponent(ticket)}/confirm`, { token: mp.access_token, body: {} })
    await sp.waitForURL(/\/console\/dashboard/, { timeout: 15_000 })
    await sp.getByTestId('stat-total').waitFor()
    // The ticket is spent: polling it again is 404.
    const again = await fetch(`${base}/api/v1/console/login-tickets/${encodeURIComponent(ticket)}`)
    assert(again.status === 404, `a used ticket answered ${again.status}`)
    await sp.context().close()
  })

  await step('every other page opens without errors; 工作台 screenshot at 1366×768', async () => {
    for (const [label, path] of [['会员管理', 'members'], ['组织管理', 'orgs'], ['普惠服务', 'benefits'], ['权益请求', 'rights'], ['审计日志', 'audit']]) {
      const t0 = Date.now()
      await page.locator('.shell-aside').getByText(label, { exact: true }).click()
      await page.waitForURL(new RegExp(`/console/${path}`))
      await page.locator('h1', { hasText: label }).waitFor()
      const errors = page.locator('.el-alert--error')
      if ((await errors.count()) > 0) throw new Error(`${label} shows an error: ${await errors.first().innerText()}`)
      console.log(`     ${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    }
    await page.getByTestId('audit-table').locator('tbody tr').first().waitFor()
    await page.locator('.shell-aside').getByText('工作台', { exact: true }).click()
    await page.getByTestId('stat-total').waitFor()
    await page.locator('canvas').first().waitFor()
    await page.waitForTimeout(500) // the chart paints on the next frames
    await page.screenshot({ path: join(out, 'console-dashboard.png') })
    await page.getByTestId('logout').click()
    await page.waitForURL(/\/console\/login/)
  })

  await step('no CSP violations on any page', async () => {
    assert(violations.length === 0, 'violations:\n' + violations.join('\n'))
  })
} catch {
  exitCode = 1
  for (const [label, p] of pages) {
    if (!p.isClosed()) await p.screenshot({ path: join(out, `failure-${label.replace(/\W+/g, '-')}.png`) }).catch(() => {})
  }
  if (violations.length) console.error('CSP / page errors seen:\n' + violations.join('\n'))
} finally {
  await browser.close()
}
console.log(`e2e ${exitCode === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${out}`)
process.exit(exitCode)
