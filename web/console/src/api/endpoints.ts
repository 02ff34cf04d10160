// Typed calls of the JSON API (API.md §2–§12) that the console uses. Every
// function goes through the one ApiClient.

import { ApiClient, type Download } from './client'
import type * as T from './types'

export type Q = Record<string, string | number | boolean | null | undefined>

export function endpoints(c: ApiClient) {
  const get = <R>(path: string, query?: Q) => c.request<R>('GET', path, { query })
  const post = <R>(path: string, body?: unknown) => c.request<R>('POST', path, { body: body ?? {} })
  const patch = <R>(path: string, body: unknown) => c.request<R>('PATCH', path, { body })
  const id = encodeURIComponent

  return {
    consoleConfig: () => c.request<T.ConsoleConfig>('GET', '/console/config', { anonymous: true }),
    devLogin: (name: string) =>
      c.request<T.TokenPair>('POST', '/auth/wechat/login', { body: { code: `${name}-console-${randomSuffix()}` }, anonymous: true }),
    createTicket: () => c.request<T.LoginTicket>('POST', '/console/login-tickets', { body: {}, anonymous: true }),
    pollTicket: (ticket: string) => c.request<T.TicketStatus>('GET', `/console/login-tickets/${id(ticket)}`, { anonymous: true }),
    me: () => get<T.Me>('/me'),

    overview: (orgId?: string) => get<T.Overview>('/admin/stats/overview', { org_id: orgId, sort: 'rate' }),

    applications: (q: Q) => get<T.Page<T.ApplicationListItem>>('/admin/applications', q),
    applicationDetail: (appId: string) => get<T.ApplicationDetail>(`/admin/applications/${id(appId)}`),
    approve: (appId: string, version: number) => post<T.ApproveResult>(`/admin/applications/${id(appId)}/approve`, { version }),
    reject: (appId: string, version: number, reason: string) =>
      post<T.ApplicationDetail>(`/admin/applications/${id(appId)}/reject`, { version, reason }),
    returnApp: (appId: string, version: number, reason: string) =>
      post<T.ApplicationDetail>(`/admin/applications/${id(appId)}/return`, { version, reason }),
    assign: (appId: string, version: number, orgId: string, reason: string) =>
      post<T.ApplicationDetail>(`/admin/applications/${id(appId)}/assign`, { version, org_id: orgId, reason }),

    members: (q: Q) => get<T.Page<T.Member>>('/admin/members', q),
    member: (memberId: string) => get<T.Member>(`/admin/members/${id(memberId)}`),
    memberEvents: (memberId: string, q: Q = {}) => get<T.Page<T.MemberEvent>>(`/admin/members/${id(memberId)}/events`, q),
    correctMember: (memberId: string, body: Record<string, unknown>) => patch<T.Member>(`/admin/members/${id(memberId)}`, body),
    memberStatus: (memberId: string, status: string, reason: string, version: number) =>
      post<T.Member>(`/admin/members/${id(memberId)}/status`, { status, reason, version }),
    reissueCard: (memberId: string) => post<object>(`/admin/members/${id(memberId)}/card/reissue`),
    transfers: (q: Q) => get<T.Page<T.Transfer>>('/admin/transfers', q),
    approveTransfer: (tid: string, reason: string) => post<T.Transfer>(`/admin/transfers/${id(tid)}/approve`, { reason }),
    rejectTransfer: (tid: string, reason: string) => post<T.Transfer>(`/admin/transfers/${id(tid)}/reject`, { reason }),

    org: (orgId: string) => get<T.Org>(`/admin/orgs/${id(orgId)}`),
    children: (orgId: string, q: Q = {}) => get<T.Page<T.Org>>(`/admin/orgs/${id(orgId)}/children`, { limit: 100, ...q }),
    createOrg: (body: Record<string, unknown>) => post<T.Org>('/admin/orgs', body),
    updateOrg: (orgId: string, body: Record<string, unknown>) => patch<T.Org>(`/admin/orgs/${id(orgId)}`, body),
    joinCode: (orgId: string): Promise<Download> => c.download(`/admin/orgs/${id(orgId)}/join-qrcode`),
    invite: (orgId: string, role: string) => post<T.Invitation>('/admin/invitations', { org_id: orgId, role }),
    roles: (orgId: string, q: Q = {}) => get<T.Page<T.RoleBindingAdmin>>('/admin/roles', { org_id: orgId, ...q }),
    revokeRole: (roleId: string) => c.request<object>('DELETE', `/admin/roles/${id(roleId)}`),

    startImport: (orgId: string, file: File) => {
      const form = new FormData()
      form.append('org_id', orgId)
      form.append('file', file)
      return c.request<{ job_id: string }>('POST', '/admin/imports', { form })
    },
    importStatus: (job: string) => get<T.ImportStatus>(`/admin/imports/${id(job)}`),
    importTemplate: (): Promise<Download> => c.download('/admin/imports/template'),
    startExport: (orgId: string, format: string, reason: string) => post<{ job_id: string }>('/admin/exports', { org_id: orgId, format, reason }),
    exportStatus: (job: string) => get<T.ExportStatus>(`/admin/exports/${id(job)}`),
    exportFile: (job: string): Promise<Download> => c.download(`/admin/exports/${id(job)}/file`),

    benefits: (q: Q) => get<T.Page<T.AdminBenefit>>('/admin/benefits', q),
    createBenefit: (body: Record<string, unknown>) => post<T.Benefit>('/admin/benefits', body),
    rightsRequests: (q: Q) => get<T.Page<T.RightsRequest>>('/admin/rights-requests', q),
    approveRights: (rid: string, version: number, reason: string) => post<T.RightsRequest>(`/admin/rights-requests/${id(rid)}/approve`, { version, reason }),
    rejectRights: (rid: string, version: number, reason: string) => post<T.RightsRequest>(`/admin/rights-requests/${id(rid)}/reject`, { version, reason }),
    auditLogs: (q: Q) => get<T.Page<T.AuditLog>>('/admin/audit-logs', q),
  }
}

export type Api = ReturnType<typeof endpoints>

function randomSuffix(): string {
  const b = new Uint8Array(8)
  crypto.getRandomValues(b)
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}
