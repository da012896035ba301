// The console's pages, addressed after the # (the daemon serves one page, /console/). Each page names the permission
// it needs; the API checks it again on every call, so this only keeps people from pages that would refuse them.
import { createRouter, createWebHashHistory } from 'vue-router'
import { can, session } from './api/session'
import Admin from './pages/Admin.vue'
import Campaigns from './pages/Campaigns.vue'
import Chat from './pages/Chat.vue'
import NotAllowed from './pages/NotAllowed.vue'
import Offers from './pages/Offers.vue'
import Reports from './pages/Reports.vue'
import SignIn from './pages/SignIn.vue'
import Supervisor from './pages/Supervisor.vue'
import Workspace from './pages/Workspace.vue'

declare module 'vue-router' {
  interface RouteMeta {
    permission?: string
    // The page works on the signed-in user's own operator (the workspace).
    operator?: boolean
  }
}

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: () => home() },
    { path: '/sign-in', component: SignIn },
    { path: '/work', component: Workspace, meta: { permission: 'interactions:handle', operator: true } },
    { path: '/supervise', component: Supervisor, meta: { permission: 'interactions:supervise' } },
    { path: '/reports', component: Reports, meta: { permission: 'interactions:supervise' } },
    { path: '/admin', component: Admin, meta: { permission: 'catalogs:write' } },
    { path: '/offers', component: Offers, meta: { permission: 'offers:manage' } },
    { path: '/campaigns', component: Campaigns, meta: { permission: 'campaigns:manage' } },
    // Everyone who signs in talks to their colleagues.
    { path: '/chat', component: Chat },
    { path: '/not-allowed', component: NotAllowed },
    { path: '/welcome', component: NotAllowed, props: { noPageYet: true } },
    { path: '/:unknown(.*)', redirect: '/' },
  ],
})

// Where a user lands: the first page their roles may open.
export function home(): string {
  if (!session.user) return '/sign-in'
  if (can('interactions:handle') && session.user.operator_id) return '/work'
  if (can('interactions:supervise')) return '/supervise'
  if (can('catalogs:write')) return '/admin'
  if (can('offers:manage')) return '/offers'
  if (can('campaigns:manage')) return '/campaigns'
  return '/welcome'
}

router.beforeEach((to) => {
  if (to.path === '/sign-in') return session.user ? home() : true
  if (!session.user) return '/sign-in'
  if (to.meta.permission && !can(to.meta.permission)) return '/not-allowed'
  if (to.meta.operator && !session.user.operator_id) return '/not-allowed'
  return true
})
