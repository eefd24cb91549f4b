// Deep links in the Bitrix24 form: /online/?IM_DIALOG=chat5 opens chat 5, ?IM_DIALOG=2 the dialog
// with user 2, ?IM_HISTORY=chat5 its history; messages, notifications and BX24.im.openMessenger
// produce these. /login signs in; /devconsole is the administrators' delivery console.
import { createRouter, createWebHistory } from 'vue-router'
import { session } from './state/session'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', redirect: (to) => ({ path: '/online/', query: to.query }) },
    { path: '/online', redirect: (to) => ({ path: '/online/', query: to.query }) },
    { path: '/online/', name: 'messenger', component: () => import('./messenger/MessengerPage.vue') },
    { path: '/login', name: 'login', component: () => import('./signin/SignInPage.vue') },
    { path: '/devconsole/:rest(.*)*', name: 'devconsole', component: () => import('./devconsole/DevConsolePage.vue') },
    { path: '/:rest(.*)*', redirect: '/online/' },
  ],
})

router.beforeEach((to) => {
  if (to.name !== 'login' && !session.user) return { name: 'login', query: { back: to.fullPath } }
  if (to.name === 'login' && session.user) return { path: String(to.query.back ?? '/online/') }
  return true
})

/** The dialog a deep link names, or '' (IM_DIALOG, IM_HISTORY; `chat5`, `5` for a user). */
export function linkedDialog(query: Record<string, unknown>): string {
  const raw = String(query.IM_DIALOG ?? query.IM_HISTORY ?? '')
  return /^(chat\d+|\d+)$/.test(raw) ? raw : ''
}

export function dialogLink(dialogId: string): string {
  return `/online/?IM_DIALOG=${encodeURIComponent(dialogId)}`
}
