// The one module that talks REST: every call goes to imhub's /rest/METHOD.json as the signed-in
// user (the HttpOnly session cookie) with the CSRF token (`sessid`) in the X-Bitrix-Csrf-Token
// header, exactly the methods a Bitrix24 app calls. Errors come back as RestError with the
// platform's code; an expired session is announced once through onSessionLost.

export interface RestErrorBody {
  error: string
  error_description?: string
}

export class RestError extends Error {
  constructor(
    readonly code: string,
    readonly description: string,
    readonly status: number,
  ) {
    super(`${code}: ${description}`)
  }
}

/** A list answer: the page, where the next one starts and how many there are in all. */
export interface Page<T> {
  result: T
  next?: number
  total?: number
}

type Params = Record<string, unknown>

let sessid = ''
const lostListeners = new Set<() => void>()

export function setSessid(value: string): void {
  sessid = value
}
export function getSessid(): string {
  return sessid
}

/** Called when the server says the session is gone (signed out elsewhere, expired). */
export function onSessionLost(listener: () => void): () => void {
  lostListeners.add(listener)
  return () => lostListeners.delete(listener)
}

const SESSION_LOST = new Set(['session_failed', 'SESSION_NOT_AUTHORIZED', 'NO_AUTH_FOUND', 'expired_token'])

async function post(method: string, params: Params): Promise<Page<unknown>> {
  let response: Response
  try {
    response = await fetch(`/rest/${method}.json`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-Bitrix-Csrf-Token': sessid },
      body: JSON.stringify(params),
    })
  } catch (e) {
    throw new RestError('NETWORK_ERROR', e instanceof Error ? e.message : String(e), 0)
  }
  let body: (Page<unknown> & Partial<RestErrorBody>) | undefined
  try {
    body = await response.json()
  } catch {
    throw new RestError('INVALID_RESPONSE', `${response.status} ${response.statusText}`, response.status)
  }
  if (!body || body.error) {
    const code = body?.error ?? 'INVALID_RESPONSE'
    if (SESSION_LOST.has(code) || response.status === 401) lostListeners.forEach((l) => l())
    throw new RestError(code, body?.error_description ?? '', response.status)
  }
  return body
}

/** Calls a method and resolves with its `result`. */
export async function call<T = unknown>(method: string, params: Params = {}): Promise<T> {
  return (await post(method, params)).result as T
}

/** Calls a list method and resolves with the page, `next` and `total`. */
export async function callPage<T = unknown>(method: string, params: Params = {}): Promise<Page<T>> {
  return (await post(method, params)) as Page<T>
}

/** Several calls in one request (the platform's `batch`); resolves with results by key. */
export async function batch(
  calls: Record<string, [string, Params?]>,
): Promise<{ result: Record<string, unknown>; errors: Record<string, RestErrorBody> }> {
  const cmd: Record<string, string> = {}
  for (const [key, [method, params]] of Object.entries(calls)) cmd[key] = `${method}?${toQuery(params ?? {})}`
  const r = await call<{ result: Record<string, unknown>; result_error: Record<string, RestErrorBody> }>('batch', {
    halt: 0,
    cmd,
  })
  return { result: r.result ?? {}, errors: (r.result_error as Record<string, RestErrorBody>) ?? {} }
}

/** PHP-style nested query (`a[b][0]=c`), which the platform's batch commands carry. */
export function toQuery(params: Params, prefix = ''): string {
  const parts: string[] = []
  for (const [k, v] of Object.entries(params)) {
    const key = prefix ? `${prefix}[${k}]` : k
    if (v === undefined || v === null) continue
    if (typeof v === 'object') parts.push(toQuery(v as Params, key))
    else parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(v))}`)
  }
  return parts.filter(Boolean).join('&')
}

/**
 * Calls a method as an application (`auth` = its OAuth access token) instead of the session: the
 * frame host stores an app's options (setUserOption / setAppOption) with the token it gave the
 * frame, so they land where the app's own app.option.* / user.option.* calls look.
 */
export async function callWithToken<T = unknown>(token: string, method: string, params: Params = {}): Promise<T> {
  const response = await fetch(`/rest/${method}.json`, {
    method: 'POST',
    credentials: 'omit',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...params, auth: token }),
  })
  const body = (await response.json().catch(() => null)) as (Page<unknown> & Partial<RestErrorBody>) | null
  if (!body || body.error) throw new RestError(body?.error ?? 'INVALID_RESPONSE', body?.error_description ?? '', response.status)
  return body.result as T
}
