// Chinese labels of the API's codes.

export const APP_STATUS: Record<string, string> = {
  draft: '草稿',
  submitted: '待审核',
  approved: '已通过',
  rejected: '未通过',
  returned: '已退回',
  withdrawn: '已撤回',
}

export const MEMBER_STATUS: Record<string, string> = {
  active: '正常',
  retained: '保留会籍',
  suspended: '暂停',
  left: '已退会',
  removed: '已除名',
  deceased: '已去世',
}

export const EVENT_TYPE: Record<string, string> = {
  join: '入会',
  transfer_in: '转入',
  retain: '保留会籍',
  transfer_out: '转出',
  remove: '除名',
  leave: '退会',
  restore: '恢复',
  suspend: '暂停',
  death: '去世',
  correction: '信息更正',
  claim: '认领会员卡',
}

export const WORK_TYPE: Record<string, string> = { stable: '稳定就业', floating: '流动就业' }
export const GENDER: Record<string, string> = { male: '男', female: '女' }
export const ORG_TYPE: Record<string, string> = { federation: '总工会', grassroots: '基层工会' }
export const UNION_KIND: Record<string, string> = { single: '单独基层工会', joint: '联合基层工会' }
export const JOB_STATUS: Record<string, string> = { pending: '排队中', running: '进行中', done: '已完成', failed: '失败' }
export const RIGHTS_KIND: Record<string, string> = { correction: '更正信息', not_me: '非本人操作' }
export const RIGHTS_STATUS: Record<string, string> = { pending: '待处理', approved: '已同意', rejected: '已驳回' }
export const TRANSFER_STATUS: Record<string, string> = { pending: '待处理', approved: '已同意', rejected: '已拒绝' }

export function label(map: Record<string, string>, v?: string | null): string {
  if (!v) return '—'
  return map[v] ?? v
}
