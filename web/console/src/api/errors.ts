// ApiError is every failure the console shows: the API's Chinese message,
// its stable code and the request id a support desk asks for.

export interface FieldDetail {
  field: string
  message: string
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly status: number,
    readonly requestId: string,
    readonly details: FieldDetail[] = [],
  ) {
    super(message)
    this.name = 'ApiError'
  }

  /** A stale version or a status that no longer allows the move (40900). */
  get isConflict(): boolean {
    return this.code === 40900
  }
}

/** Code for failures that never reached the API (network down, not JSON). */
export const NETWORK_ERROR = -1

const fallbackByStatus: Record<number, string> = {
  400: '请求格式不正确',
  401: '登录已失效，请重新登录',
  403: '您没有执行此操作的权限',
  404: '内容不存在或不在您的管理范围内',
  409: '数据已被他人修改，请刷新后重试',
  413: '文件或内容过大',
  415: '文件类型不支持',
  422: '填写的内容有误',
  429: '操作过于频繁，请稍后再试',
  500: '服务器内部错误，请稍后再试',
  502: '微信服务暂时不可用，请稍后再试',
  503: '服务暂时不可用，请稍后再试',
}

/** toApiError turns a non-JSON or unexpected reply into an ApiError. */
export function fallbackError(status: number, requestId: string): ApiError {
  const message = fallbackByStatus[status] ?? `请求失败（HTTP ${status}）`
  return new ApiError(status * 100, message, status, requestId)
}

export function networkError(): ApiError {
  return new ApiError(NETWORK_ERROR, '无法连接服务器，请检查网络后重试', 0, '')
}

/** describe is the one line shown to a user for any thrown value. */
export function describe(e: unknown): { message: string; requestId: string; details: FieldDetail[] } {
  if (e instanceof ApiError) return { message: e.message, requestId: e.requestId, details: e.details }
  return { message: '发生未知错误，请刷新页面后重试', requestId: '', details: [] }
}
