import { describe, expect, it } from 'vitest'
import { NAV, navFor, can } from './nav'
import type { RoleName } from './api/types'

describe('navigation (API.md §12)', () => {
  it('has exactly the contract entries, in order', () => {
    expect(NAV.map((e) => e.label)).toEqual(['工作台', '入会审核', '会员管理', '组织管理', '导入导出', '普惠服务', '权益请求', '审计日志'])
  })

  const cases: { role: RoleName | undefined; want: string[] }[] = [
    { role: 'federation_admin', want: ['工作台', '入会审核', '会员管理', '组织管理', '导入导出', '普惠服务', '权益请求', '审计日志'] },
    { role: 'union_chair', want: ['工作台', '入会审核', '会员管理', '组织管理', '导入导出', '普惠服务', '权益请求'] },
    { role: 'union_staff', want: ['工作台', '入会审核', '会员管理', '组织管理', '导入导出', '权益请求'] },
    { role: 'verifier', want: [] },
    { role: undefined, want: [] },
  ]
  for (const tc of cases) {
    it(`${tc.role ?? 'no role'} sees ${tc.want.length} entries`, () => {
      expect(navFor(tc.role).map((e) => e.label)).toEqual(tc.want)
    })
  }

  it('in-page actions follow the route × role table', () => {
    expect(can.export('union_staff')).toBe(false)
    expect(can.export('union_chair')).toBe(true)
    expect(can.createChild('union_chair')).toBe(false)
    expect(can.inviteRoles('union_chair')).toEqual(['union_staff', 'verifier'])
    expect(can.assign('federation_admin')).toBe(true)
  })
})
