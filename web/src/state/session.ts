// Who is signed in. The CSRF token lives in api/rest.ts; this is what the views read.
import { reactive } from 'vue'
import { loadSession, signIn as apiSignIn, signOut as apiSignOut, type SessionUser } from '../api/session'
import { onSessionLost } from '../api/rest'
import { startPull, stopPull } from '../api/pull'

export const session = reactive({
  ready: false,
  user: null as SessionUser | null,
  sessid: '',
  /** Set when the server ended the session under the user (expired, signed out elsewhere). */
  lost: false,
})

function enter(info: { sessid: string; user: SessionUser }): void {
  session.user = info.user
  session.sessid = info.sessid
  session.lost = false
  startPull(info.user.id).catch((e) => console.warn('push: not connected', e))
}

export async function restoreSession(): Promise<void> {
  try {
    const info = await loadSession()
    if (info) enter(info)
  } finally {
    session.ready = true
  }
}

export async function signIn(login: string, password: string): Promise<void> {
  enter(await apiSignIn(login, password))
}

export async function signOut(): Promise<void> {
  stopPull()
  const sessid = session.sessid
  session.user = null
  session.sessid = ''
  await apiSignOut(sessid).catch(() => undefined)
}

onSessionLost(() => {
  if (!session.user) return
  stopPull()
  session.user = null
  session.sessid = ''
  session.lost = true
})
