// The wire format of the IFRAME application protocol, host side (protocol-frame.md §1–§2): the
// frame's name, the query of its first load, parsing what the frame posts (string and object
// forms) and the `callback:JSON` replies. Pure functions: frameHost.ts does the talking.

/** A command a frame sent: its method, params, callback key and the frame's APP_SID. */
export interface FrameCommand {
  method: string
  params: unknown
  callback: string
  appSid: string
  requestId?: string
}

/** A random APP_SID: 32 hex characters, new for every frame instance (§1.1). */
export function newAppSid(): string {
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** `host[:port]` and the https flag of a page location: what the frame's name and DOMAIN carry. */
export function hostOf(location: { host: string; protocol: string }): { domain: string; https: boolean } {
  return { domain: location.host, https: location.protocol === 'https:' }
}

/** The iframe `name` B24Frame bootstraps from: `<host[:port]>|<1|0>|<APP_SID>` (§1.1). */
export function frameName(domain: string, https: boolean, appSid: string): string {
  return `${domain}|${https ? 1 : 0}|${appSid}`
}

/** The origin (`scheme://host[:port]`) of an app's handler URL; '' when it is not an http(s) URL. */
export function originOf(url: string): string {
  try {
    const u = new URL(url)
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : ''
  } catch {
    return ''
  }
}

/** `url` with `params` appended to its query (`?` or `&`, as the URL needs), form-encoded. */
export function withQuery(url: string, params: Record<string, string>): string {
  const q = new URLSearchParams(params).toString()
  if (!q) return url
  const hash = url.indexOf('#')
  const base = hash >= 0 ? url.slice(0, hash) : url
  const tail = hash >= 0 ? url.slice(hash) : ''
  return base + (base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?') + q + tail
}

/**
 * A message a frame posted, or null when it is not a protocol message. Objects carry
 * {method, params, callback, appSid, requestId}; strings are `method:params…:callback:appSid`,
 * split on every `:` with params rejoined (JSON may hold colons) and JSON-parsed (§2.2).
 */
export function parseFrameMessage(data: unknown): FrameCommand | null {
  if (data && typeof data === 'object') {
    const o = data as Record<string, unknown>
    if (typeof o.method !== 'string' || !o.method) return null
    return {
      method: o.method,
      params: o.params === '' || o.params === undefined ? null : o.params,
      callback: typeof o.callback === 'string' ? o.callback : '',
      appSid: typeof o.appSid === 'string' ? o.appSid : '',
      requestId: typeof o.requestId === 'string' ? o.requestId : undefined,
    }
  }
  if (typeof data !== 'string' || !data) return null
  const parts = data.split(':')
  if (parts.length < 2) return null
  const method = parts[0]!
  const appSid = parts[parts.length - 1]!
  const callback = parts.length >= 3 ? parts[parts.length - 2]! : ''
  const raw = parts.slice(1, -2).join(':')
  let params: unknown = null
  if (raw) {
    try {
      params = JSON.parse(raw)
    } catch {
      params = raw // a raw value (placement setValue sends one unencoded)
    }
  }
  return { method, params, callback, appSid }
}

/** The reply the frame's SDK accepts: the string `callback:JSON` (`undefined` → empty) (§2.3). */
export function replyMessage(callback: string, result: unknown): string {
  return `${callback}:${result === undefined ? '' : JSON.stringify(result)}`
}

/** What a legacy chat app (imbot.app IFRAME) posts: a JSON string with `action` (§7.5). */
export interface ChatAppAction {
  action: string
  uniqueLoadId?: string
  message?: string
  number?: string
  code?: string
}

export function parseChatAppMessage(data: unknown): ChatAppAction | null {
  let o: unknown = data
  if (typeof data === 'string') {
    try {
      o = JSON.parse(data)
    } catch {
      return null
    }
  }
  if (!o || typeof o !== 'object' || typeof (o as ChatAppAction).action !== 'string') return null
  return o as ChatAppAction
}
