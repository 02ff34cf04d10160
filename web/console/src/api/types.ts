// API types, generated from the OpenAPI 3 document shared with the
// mini-program client: the one generated file is the SDK's
// web/miniprogram-sdk/src/schema.d.ts (`npm run gen` there, or
// `go generate ./web/miniprogram-sdk`), reached through tsconfig.json's
// type-only alias @unionhub/api-schema. The pages import only from this
// file, which names the schemas they use; the few console replies the
// document does not describe yet are written here by hand, from API.md §12.

import type { components } from '@unionhub/api-schema'

type S = components['schemas']

export type ID = string

export interface Page<T> {
  items: T[]
  next_cursor?: string | null
}

export type RoleBinding = S['Role']
export type RoleName = RoleBinding['role']
export type Me = S['Me']
export type TokenPair = Pick<S['Token'], 'access_token' | 'refresh_token' | 'expires_in'>
export type StatsChild = S['StatsChild']
export type Overview = S['StatsOverview']
export type Employment = S['Employment']
export type ApplicationListItem = S['ApplicationListItem']
export type ApplicationDetail = S['ApplicationDetail']
export type ApproveResult = S['Approve']
export type Member = S['Member']
export type MemberStatus = Member['status']
export type MemberEvent = S['MemberEvent']
export type Transfer = S['Transfer']
export type Org = S['Org']
export type Invitation = S['Invitation']
export type RoleBindingAdmin = S['RoleBinding']
export type ImportStatus = S['ImportStatus']
export type ExportStatus = S['ExportStatus']
export type Benefit = S['Benefit']
export type AdminBenefit = S['AdminBenefit']
export type RightsRequest = S['RightsRequest']
export type AuditLog = S['AuditLog']

// API.md §12, not in the OpenAPI document yet.

export interface ConsoleConfig {
  dev_login: boolean
}

export interface LoginTicket {
  ticket: string
  qrcode: string
  expires_at: string
}

export type TicketStatus = { status: 'pending' } | ({ status: 'confirmed' } & TokenPair)
