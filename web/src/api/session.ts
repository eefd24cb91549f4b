// Sign-in against imhub's /auth endpoints (not Bitrix24 methods: the portal's own login form is
// not part of the REST API). The answer carries the CSRF token every REST call then sends.
import { setSessid } from './rest'

export interface SessionUser {
  id: number
  name: string
  last_name: string
  email: string
  is_admin: boolean
}

export interface SessionInfo {
  sessid: string
  user: SessionUser
}

async function json(response: Response): Promise<unknown> {
  try {
    return await response.json()
  } catch {
    return null
  }
}

/** The current session, or null when the browser is not signed in. */
export async function loadSession(): Promise<SessionInfo | null> {
  const r = await fetch('/auth/session', { credentials: 'same-origin' })
  if (!r.ok) return null
  const s = (await json(r)) as SessionInfo
  setSessid(s.sessid)
  return s
}

export class SignInError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message)
  }
}

export async function signIn(login: string, password: string): Promise<SessionInfo> {
  const r = await fetch('/auth/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login, password }),
  })
  const body = (await json(r)) as (SessionInfo & { error?: string; error_description?: string }) | null
  if (!r.ok || !body || body.error) {
    const retry = Number(r.headers.get('Retry-After') ?? '') || undefined
    throw new SignInError(body?.error ?? 'ERROR', body?.error_description ?? r.statusText, retry)
  }
  setSessid(body.sessid)
  return body
}

export async function signOut(sessid: string): Promise<void> {
  await fetch('/auth/logout', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-Bitrix-Csrf-Token': sessid },
    body: JSON.stringify({ sessid }),
  })
  setSessid('')
}
