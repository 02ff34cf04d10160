// API types, named after the OpenAPI schemas (docs/swagger.json
// definitions api.*). When docs/openapi.json (OpenAPI 3) is present,
// `npm run gen:api` writes src/api/schema.d.ts and these aliases can point
// at its components instead; the pages import only from this file.

export type ID = string

export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

export type RoleName = 'federation_admin' | 'union_chair' | 'union_staff' | 'verifier'

export interface RoleBinding {
  id: ID
  org_id: ID
  org_name: string
  role: RoleName
}

export interface Me {
  id: ID
  phone_masked?: string
  roles: RoleBinding[]
  member?: unknown
  application?: unknown
}

export interface TokenPair {
  access_token: string
  refresh_token: string
  expires_in: number
}

export interface ConsoleConfig {
  dev_login: boolean
}

export interface LoginTicket {
  ticket: string
  qrcode: string
  expires_at: string
}

export type TicketStatus = { status: 'pending' } | ({ status: 'confirmed' } & TokenPair)

export interface StatsChild {
  org_id: ID
  name: string
  members_total: number
  workers_total: number
  membership_rate: number | null
  pending: number
  overdue?: number
}

export interface Overview {
  org_id?: ID
  org_name?: string
  members: { total: number; active: number; female: number; migrant_workers: number; dispatched: number; floating: number }
  workers_total: number
  membership_rate: number | null
  applications: { pending: number; approved_month: number; rejected_month: number; overdue?: number; median_days_to_decision?: number | null }
  grassroots_unions: number
  by_child: StatsChild[]
  trend: { month: string; joined: number; left: number }[]
  rights_requests?: { pending: number; overdue: number }
}

export interface Employment {
  employer_name?: string
  job_title?: string
  hired_on?: string
  work_type?: 'stable' | 'floating' | ''
  is_migrant_worker?: boolean
  is_dispatched?: boolean
  dispatch_agency_name?: string
  dispatch_agency_uscc?: string
}

export type ApplicationStatus = 'draft' | 'submitted' | 'approved' | 'rejected' | 'returned' | 'withdrawn'

export interface ApplicationListItem {
  id: ID
  org_id: ID
  org_name: string
  status: ApplicationStatus
  version: number
  name: string
  name_masked: string
  id_number_masked: string
  gender?: string
  age?: number
  work_type?: string
  is_migrant_worker?: boolean
  is_dispatched?: boolean
  due_on?: string
  overdue?: boolean
  escalated?: boolean
  flagged?: boolean
  created_at: string
  submitted_at?: string
}

export interface ApplicationDetail {
  id: ID
  org_id: ID
  org_name: string
  status: ApplicationStatus
  version: number
  name: string
  id_type: string
  id_number?: string
  id_number_masked: string
  phone?: string
  phone_masked: string
  gender?: string
  birth_date?: string
  ethnicity?: string
  education?: string
  political_status?: string
  household_type?: string
  employment?: Employment
  photo_upload_id?: string
  review?: { reason: string; reviewed_at: string } | null
  due_on?: string
  overdue?: boolean
  escalated?: boolean
  withheld?: string[]
  withheld_reason?: string
  created_at: string
  submitted_at?: string
  member_id?: string
}

export interface ApproveResult {
  application: ApplicationDetail
  member: { id: ID; member_no: string }
}

export type MemberStatus = 'active' | 'retained' | 'suspended' | 'left' | 'removed' | 'deceased'

export interface Member {
  id: ID
  member_no: string
  org_id: ID
  org_name: string
  status: MemberStatus
  version: number
  name: string
  id_type?: string
  id_number_masked: string
  phone_masked?: string
  gender?: string
  age?: number
  ethnicity?: string
  education?: string
  political_status?: string
  household_type?: string
  employment?: Employment
  joined_on?: string
  claimed?: boolean
  created_at?: string
}

export interface MemberEvent {
  id: ID
  type: string
  national_code?: string
  reason?: string
  from_org_id?: string
  to_org_id?: string
  actor_id?: string
  created_at: string
}

export interface Transfer {
  id: ID
  member_id: ID
  from_org_id: ID
  to_org_id: ID
  status: 'pending' | 'approved' | 'rejected'
  reason?: string
  decision_reason?: string
  created_at: string
  decided_at?: string
}

export interface Org {
  id: ID
  parent_id?: ID | null
  name: string
  type: 'federation' | 'grassroots'
  union_kind?: 'single' | 'joint' | ''
  region_code?: string
  unit_name?: string
  uscc?: string
  unit_type?: string
  industry_code?: string
  address?: string
  worker_count?: number
  accepts_applications?: boolean
  status: string
  depth?: number
  version?: number
}

export interface Invitation {
  code: string
  expires_at: string
  org_id?: ID
  role?: RoleName
}

export interface RoleBindingAdmin {
  id: ID
  user_id: ID
  org_id: ID
  org_name: string
  role: RoleName
  granted_by?: ID
  created_at: string
}

export interface JobStatus {
  status: 'pending' | 'running' | 'done' | 'failed'
  error?: string
}

export interface ImportStatus extends JobStatus {
  total: number
  imported: number
  failed: number
  errors: { row: number; field: string; message: string }[]
  errors_total?: number
}

export interface ExportStatus extends JobStatus {
  rows: number
  format?: string
  expires_at?: string
}

export interface Benefit {
  id: ID
  org_id: ID
  org_name?: string
  title: string
  description?: string
  starts_on: string
  ends_on: string
  per_member_limit?: number
  /** Redemptions so far, when the API reports them. */
  redemptions?: number
  created_at?: string
}

export interface RightsRequest {
  id: ID
  kind: 'correction' | 'not_me'
  status: 'pending' | 'approved' | 'rejected'
  version: number
  name?: string
  org_id?: ID
  org_name?: string
  member_id?: ID
  application_id?: ID
  event_id?: ID
  fields?: string[]
  requested?: Record<string, unknown>
  reason?: string
  decision_reason?: string
  due_on?: string
  overdue?: boolean
  created_at: string
  decided_at?: string
}

export interface AuditLog {
  id: ID
  seq?: number
  action: string
  actor_id?: ID
  org_id?: ID
  target?: string
  request_id?: string
  detail?: Record<string, unknown>
  created_at: string
}
