// The navigation of API.md §12: exactly these entries, each shown to the
// roles that may use it (the route × role table of API.md §2).

import type { RoleName } from './api/types'

export interface NavEntry {
  name: string
  path: string
  label: string
  roles: RoleName[]
}

const ADMINS: RoleName[] = ['federation_admin', 'union_chair', 'union_staff']

export const NAV: NavEntry[] = [
  { name: 'dashboard', path: '/dashboard', label: '工作台', roles: ADMINS },
  { name: 'review', path: '/review', label: '入会审核', roles: ADMINS },
  { name: 'members', path: '/members', label: '会员管理', roles: ADMINS },
  { name: 'orgs', path: '/orgs', label: '组织管理', roles: ADMINS },
  { name: 'transfer', path: '/import-export', label: '导入导出', roles: ADMINS },
  { name: 'benefits', path: '/benefits', label: '普惠服务', roles: ['federation_admin', 'union_chair'] },
  { name: 'rights', path: '/rights', label: '权益请求', roles: ADMINS },
  { name: 'audit', path: '/audit', label: '审计日志', roles: ['federation_admin'] },
]

export function isAdminRole(r: RoleName): boolean {
  return ADMINS.includes(r)
}

export function navFor(role: RoleName | undefined): NavEntry[] {
  if (!role) return []
  return NAV.filter((e) => e.roles.includes(role))
}

export function canUse(role: RoleName | undefined, name: string): boolean {
  return navFor(role).some((e) => e.name === name)
}

/** Actions inside pages that only some admin roles may take (API.md §2). */
export const can = {
  createChild: (r?: RoleName) => r === 'federation_admin',
  editOrg: (r?: RoleName) => r === 'federation_admin' || r === 'union_chair',
  invite: (r?: RoleName) => r === 'federation_admin' || r === 'union_chair',
  manageRoles: (r?: RoleName) => r === 'federation_admin' || r === 'union_chair',
  export: (r?: RoleName) => r === 'federation_admin' || r === 'union_chair',
  assign: (r?: RoleName) => r === 'federation_admin',
  createBenefit: (r?: RoleName) => r === 'federation_admin' || r === 'union_chair',
  inviteRoles: (r?: RoleName): RoleName[] =>
    r === 'federation_admin' ? ['federation_admin', 'union_chair', 'union_staff', 'verifier'] : r === 'union_chair' ? ['union_staff', 'verifier'] : [],
}

export const ROLE_LABELS: Record<RoleName, string> = {
  federation_admin: '总工会管理员',
  union_chair: '工会主席',
  union_staff: '工会工作人员',
  verifier: '核验员',
}
