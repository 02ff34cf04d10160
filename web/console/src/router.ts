import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { activeRole, client, loadMe, session } from './session'
import { canUse, navFor } from './nav'

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('./components/AppShell.vue'),
    children: [
      { path: '', redirect: '/dashboard' },
      { path: 'dashboard', name: 'dashboard', component: () => import('./pages/DashboardPage.vue') },
      { path: 'review', name: 'review', component: () => import('./pages/ReviewPage.vue') },
      { path: 'members', name: 'members', component: () => import('./pages/MembersPage.vue') },
      { path: 'orgs', name: 'orgs', component: () => import('./pages/OrgsPage.vue') },
      { path: 'import-export', name: 'transfer', component: () => import('./pages/ImportExportPage.vue') },
      { path: 'benefits', name: 'benefits', component: () => import('./pages/BenefitsPage.vue') },
      { path: 'rights', name: 'rights', component: () => import('./pages/RightsPage.vue') },
      { path: 'audit', name: 'audit', component: () => import('./pages/AuditPage.vue') },
      { path: 'no-access', name: 'no-access', component: () => import('./pages/NoAccessPage.vue') },
    ],
  },
  { path: '/:rest(.*)*', redirect: '/dashboard' },
]

export const router = createRouter({ history: createWebHistory('/console/'), routes })

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  if (!client.loggedIn) return { name: 'login', query: to.fullPath !== '/dashboard' ? { next: to.fullPath } : {} }
  if (!session.me) {
    try {
      await loadMe()
    } catch {
      return { name: 'login' }
    }
  }
  const role = activeRole.value?.role
  if (!role) return to.name === 'no-access' ? true : { name: 'no-access' }
  if (to.name === 'no-access') return true
  if (typeof to.name === 'string' && !canUse(role, to.name)) {
    return { path: navFor(role)[0]?.path ?? '/no-access' }
  }
  return true
})
