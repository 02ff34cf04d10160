// The signed-in user: roles from GET /me and the role binding the console
// acts as (a user may hold admin roles at several orgs).

import { computed, reactive } from 'vue'
import { ApiClient } from './api/client'
import { endpoints } from './api/endpoints'
import type { Me, RoleBinding, TokenPair } from './api/types'
import { isAdminRole } from './nav'

const ACTIVE_KEY = 'unionhub.console.role'

export const client = new ApiClient()
export const api = endpoints(client)

export const session = reactive({
  me: null as Me | null,
  activeRoleId: (typeof sessionStorage !== 'undefined' && sessionStorage.getItem(ACTIVE_KEY)) || '',
  /** Set when the session ended on its own (expired, revoked): the login page says so. */
  endedMessage: '',
})

export const adminRoles = computed<RoleBinding[]>(() => (session.me?.roles ?? []).filter((r) => isAdminRole(r.role)))

export const activeRole = computed<RoleBinding | undefined>(() => {
  const roles = adminRoles.value
  return roles.find((r) => r.id === session.activeRoleId) ?? roles[0]
})

export function setActiveRole(id: string): void {
  session.activeRoleId = id
  sessionStorage.setItem(ACTIVE_KEY, id)
}

export async function loadMe(): Promise<Me> {
  const me = await api.me()
  session.me = me
  return me
}

export async function signIn(t: TokenPair): Promise<Me> {
  client.setTokens(t)
  session.endedMessage = ''
  return loadMe()
}

export async function signOut(): Promise<void> {
  await client.logout()
  session.me = null
  sessionStorage.removeItem(ACTIVE_KEY)
  session.activeRoleId = ''
}
