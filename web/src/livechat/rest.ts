// The live chat's REST client: imhub's /rest/ with live-chat auth (protocol-openlines.md §8.2),
// `livechat_auth_id` = "guest" until the visitor is registered, then the visitor's hash. The page
// is served by imhub itself, so the calls are same-origin and carry no other credential.

export class LivechatError extends Error {
  constructor(
    readonly code: string,
    readonly description: string,
  ) {
    super(`${code}: ${description}`)
  }
}

let authId = 'guest'

export function setAuth(hash: string | null): void {
  authId = hash ?? 'guest'
}

export async function call<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
  let response: Response
  try {
    response = await fetch(`/rest/${method}.json?livechat_auth_id=${encodeURIComponent(authId)}`, {
      method: 'POST',
      credentials: 'omit',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(params),
    })
  } catch (e) {
    throw new LivechatError('NETWORK_ERROR', e instanceof Error ? e.message : String(e))
  }
  const body = (await response.json().catch(() => ({}))) as { result?: T; error?: string; error_description?: string }
  if (!response.ok || body.error) throw new LivechatError(body.error ?? `HTTP_${response.status}`, body.error_description ?? '')
  return body.result as T
}
