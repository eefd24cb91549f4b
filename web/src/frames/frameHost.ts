// The parent side of the IFRAME application protocol (protocol-frame.md): imhub's messenger hosts
// placement handlers the way Bitrix24's app layout does, so an app built on the official SDK's
// B24Frame (initializeB24Frame) or the legacy BX24.js works unchanged.
//
// One FrameHost per iframe: it names the frame `<host[:port]>|<1|0>|<APP_SID>`, loads it with a
// hidden-form POST carrying the user's OAuth tokens for the app (imhub.messenger.placement.auth), and answers
// every command the SDK sends, string or object form, after checking the sender's window, origin
// and APP_SID. Replies are `callback:JSON` strings posted to the app's origin only.
import { call, callWithToken } from '../api/rest'
import { router, dialogLink, linkedDialog } from '../router'
import { session } from '../state/session'
import { composerText, insertIntoComposer } from '../state/composer'
import { frameName, hostOf, newAppSid, originOf, parseFrameMessage, replyMessage, withQuery, type FrameCommand } from './protocol'
import { notify, openWindow, pickUsers, type Placement, type PlacementOpening } from './layer'
import type { DialogId } from '../state/types'

/** What imhub.messenger.placement.auth answers: the app's tokens for the signed-in user and its options. */
export interface FrameAuth {
  access_token: string
  refresh_token: string
  expires_in: number
  member_id: string
  status?: string
  domain?: string
  scope?: string
  is_admin?: boolean
  user_options?: Record<string, unknown>
  app_options?: Record<string, unknown>
}

/** How the frame's container reacts; the component hosting the iframe provides it. */
export interface FrameUi {
  /** Sets the container size; returns the size it got. */
  resize(width: number | '100%', height: number): { width: number; height: number }
  setTitle?(title: string): void
  /** Closes the window the frame is in (closeApplication); absent for inline frames. */
  close?(): void
}

export const UI_LANGUAGE = 'en'
const NO_REPLY = Symbol('no reply')
type Answer = unknown | typeof NO_REPLY

/** Commands a non-DEFAULT placement refuses (protocol-frame.md §3.2). */
const PAGE_ONLY = new Set(['setTitle', 'setScroll', 'reloadWindow'])

export async function placementAuth(placementId: number): Promise<FrameAuth> {
  return call<FrameAuth>('imhub.messenger.placement.auth', { PLACEMENT_ID: placementId })
}

function firstRunKey(appId: number): string {
  return `imhub.frame.opened.${session.user?.id ?? 0}.${appId}`
}

/** The dialog a frame without its own context acts on: the open one. */
function activeDialog(): DialogId {
  return linkedDialog(router.currentRoute.value.query)
}

function withoutSlider(params: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (params && typeof params === 'object')
    for (const [k, v] of Object.entries(params)) if (!k.startsWith('bx24_')) out[k] = v
  return out
}

function paramsObject(params: unknown): Record<string, any> {
  return params && typeof params === 'object' ? (params as Record<string, any>) : {}
}

/** Opens Bitrix24 dialog ids in the messenger: user ids and chatN (protocol-frame.md §9). */
export function openMessengerDialog(dialogId: unknown, history = false): void {
  const id = String(dialogId ?? '').trim()
  if (!id) {
    router.push('/online/')
    return
  }
  if (!/^(chat\d+|\d+)$/.test(id)) {
    notify(`imhub cannot open "${id}" (open lines and workgroups are not supported)`)
    return
  }
  router.push(history ? `/online/?IM_HISTORY=${encodeURIComponent(id)}` : dialogLink(id))
}

const hosts = new Map<string, FrameHost>()
let listening = false

function onWindowMessage(event: MessageEvent): void {
  const cmd = parseFrameMessage(event.data)
  if (!cmd) return
  const host = hosts.get(cmd.appSid)
  // Only the frame's own window, from its handler's origin, with its APP_SID (§2.2).
  if (!host || event.source !== host.window() || event.origin !== host.appOrigin) return
  host.handle(cmd).catch((e) => console.warn(`frame ${cmd.method}:`, e))
}

export interface FrameHostOptions {
  iframe: () => HTMLIFrameElement | null
  /** The app's page: where the first load goes and whose origin may talk to the host. */
  handler: string
  /** The local application (the FIRST_RUN mark is kept per user and application). */
  appId: number
  /** Fresh tokens for the frame: imhub.messenger.placement.auth, imhub.messenger.app.auth. */
  authorize: () => Promise<FrameAuth>
  /**
   * True: the host loads the frame with the hidden-form POST. False: the iframe's own src loads it
   * (IFRAME chat apps get their GET launch parameters) and a failed authorize leaves the frame
   * without tokens rather than unopened.
   */
  post: boolean
  /** The binding, for openApplication (the same handler with PLACEMENT DEFAULT). */
  placement?: Placement
  /** PLACEMENT sent to the app: the binding's code, or DEFAULT for openApplication. */
  code: string
  options: Record<string, unknown>
  dialogId?: DialogId
  /** A popup/slider frame refuses resizeWindow. */
  popup: boolean
  ui: FrameUi
}

export class FrameHost {
  readonly appSid = newAppSid()
  readonly appOrigin: string
  readonly name: string
  private auth: FrameAuth | null = null
  private authAt = 0
  private installing = false

  constructor(private readonly opts: FrameHostOptions) {
    this.appOrigin = originOf(opts.handler)
    const { domain, https } = hostOf(window.location)
    this.name = frameName(domain, https, this.appSid)
  }

  window(): Window | null {
    return this.opts.iframe()?.contentWindow ?? null
  }

  /**
   * Starts answering the frame; with `post`, gets the tokens and loads the frame with the
   * documented POST (protocol-frame.md §1.2).
   */
  async open(): Promise<void> {
    if (!this.appOrigin) throw new Error('The handler is not an http(s) URL')
    hosts.set(this.appSid, this)
    if (!listening) {
      window.addEventListener('message', onWindowMessage)
      listening = true
    }
    if (!this.opts.post) return
    await this.freshAuth()
    this.post()
  }

  private post(): void {
    if (!this.opts.post) {
      const frame = this.opts.iframe()
      if (frame) frame.src = frame.src // reload in place: the GET carries its own parameters
      return
    }
    const auth = this.auth!
    const { domain, https } = hostOf(window.location)
    const form = document.createElement('form')
    form.method = 'POST'
    form.target = this.name
    form.style.display = 'none'
    form.action = withQuery(this.opts.handler, {
      DOMAIN: domain,
      PROTOCOL: https ? '1' : '0',
      LANG: UI_LANGUAGE,
      APP_SID: this.appSid,
    })
    const fields: Record<string, string> = {
      AUTH_ID: auth.access_token,
      AUTH_EXPIRES: String(this.expiresIn()),
      REFRESH_ID: auth.refresh_token,
      member_id: auth.member_id,
      status: auth.status ?? 'L',
      PLACEMENT: this.opts.code,
    }
    if (Object.keys(this.opts.options).length > 0) fields.PLACEMENT_OPTIONS = JSON.stringify(this.opts.options)
    for (const [name, value] of Object.entries(fields)) {
      const input = document.createElement('input')
      input.type = 'hidden'
      input.name = name
      input.value = value
      form.appendChild(input)
    }
    document.body.appendChild(form)
    form.submit()
    form.remove()
  }

  /** Loads the frame again (reloadWindow, setInstallFinish: an SPA re-renders the app instead). */
  reload(): void {
    this.post()
  }

  destroy(): void {
    hosts.delete(this.appSid)
  }

  /** Seconds the current access token has left (AUTH_EXPIRES is relative, §1.3). */
  private expiresIn(): number {
    const auth = this.auth
    if (!auth) return 0
    return Math.max(0, Math.floor(Number(auth.expires_in) - (Date.now() - this.authAt) / 1000))
  }

  private async freshAuth(): Promise<FrameAuth | null> {
    try {
      this.auth = await this.opts.authorize()
      this.authAt = Date.now()
    } catch (e) {
      if (this.opts.post) throw e
      this.auth = null // a chat app of a webhook bot: no application, no tokens
    }
    return this.auth
  }

  /** The tokens, fetched on first need when the frame loaded itself (GET). */
  private async currentAuth(): Promise<FrameAuth | null> {
    if (!this.auth || this.expiresIn() < 60) return this.freshAuth()
    return this.auth
  }

  private reply(cmd: FrameCommand, result: unknown): void {
    const target = this.window()
    if (!cmd.callback || !target) return
    target.postMessage(replyMessage(cmd.callback, result), this.appOrigin)
  }

  async handle(cmd: FrameCommand): Promise<void> {
    if (this.opts.code !== 'DEFAULT' && PAGE_ONLY.has(cmd.method)) return // refused silently (§3.2)
    if (this.opts.popup && cmd.method === 'resizeWindow') return
    const answer = await this.answer(cmd)
    if (answer !== NO_REPLY) this.reply(cmd, answer)
  }

  private dialog(): DialogId {
    return String(this.opts.options.dialogId ?? this.opts.dialogId ?? '') || activeDialog()
  }

  private async answer(cmd: FrameCommand): Promise<Answer> {
    const p = paramsObject(cmd.params)
    switch (cmd.method) {
      case 'getInitData':
        return this.initData(await this.currentAuth())
      case 'getInterface':
        return { command: [], event: [] }
      case 'refreshAuth': {
        const auth = await this.freshAuth()
        if (!auth) return { AUTH_ID: '', AUTH_EXPIRES: 0, REFRESH_ID: '' }
        return {
          AUTH_ID: auth.access_token,
          AUTH_EXPIRES: auth.expires_in,
          REFRESH_ID: auth.refresh_token,
          member_id: auth.member_id,
        }
      }
      case 'resizeWindow': {
        const width = p.width === '100%' ? '100%' : Number.parseInt(String(p.width)) || 100
        return this.opts.ui.resize(width, Number.parseInt(String(p.height)) || 0)
      }
      case 'setTitle':
        this.opts.ui.setTitle?.(String(p.title ?? ''))
        return p
      case 'setScroll':
        window.scrollTo(0, Math.max(0, Number(p.scroll) || 0))
        return p
      case 'reloadWindow':
        this.reload()
        return NO_REPLY
      case 'setUserOption': {
        const auth = await this.currentAuth()
        if (!auth) return NO_REPLY
        await callWithToken(auth.access_token, 'user.option.set', { options: { [String(p.name)]: p.value } })
        return p
      }
      case 'setAppOption': {
        const auth = await this.currentAuth()
        if (!auth?.is_admin) return NO_REPLY // non-admins get no reply (§3)
        await callWithToken(auth.access_token, 'app.option.set', { options: { [String(p.name)]: p.value } })
        return p
      }
      case 'setInstall':
        this.installing = p.install === true
        return p
      case 'setInstallFinish':
        this.installing = false
        this.reload()
        return NO_REPLY
      case 'selectUser': {
        const chosen = await pickUsers('user', p.mult === true)
        return p.mult === true ? chosen : (chosen[0] ?? null)
      }
      case 'selectAccess': {
        const chosen = await pickUsers('access', true)
        return chosen.map((u) => ({ id: `U${u.id}`, name: u.name }))
      }
      case 'selectCRM':
        return {} // imhub has no CRM: nothing to choose
      case 'openApplication':
        return this.openApplication(p)
      case 'closeApplication':
        this.opts.ui.close?.()
        return NO_REPLY
      case 'openPath':
        return this.openPath(String(p.path ?? ''))
      case 'imOpenMessenger':
        openMessengerDialog(p.dialogId)
        return NO_REPLY
      case 'imOpenHistory':
        openMessengerDialog(p.dialogId, true)
        return NO_REPLY
      case 'imCallTo':
      case 'imPhoneTo':
        notify('Calls are not supported by imhub')
        return NO_REPLY
      case 'im:getImTextareaContent': {
        const dialogId = this.dialog()
        if (!dialogId) return { message: 'No dialog is open', requestId: cmd.requestId }
        return composerText(dialogId)
      }
      case 'im:setImTextareaContent': {
        const dialogId = this.dialog()
        if (!dialogId) return { message: 'No dialog is open', requestId: cmd.requestId }
        insertIntoComposer(dialogId, String(p.text ?? ''), { replace: p.replace === true, newLine: p.withNewLine === true })
        return true
      }
      default:
        return NO_REPLY // placementBindEvent and unknown commands: no events to bind
    }
  }

  private initData(auth: FrameAuth | null): Record<string, unknown> {
    const { domain, https } = hostOf(window.location)
    const key = firstRunKey(this.opts.appId)
    let firstRun = false
    try {
      firstRun = localStorage.getItem(key) === null
      localStorage.setItem(key, '1')
    } catch {
      /* storage refused: never a first run */
    }
    return {
      LANG: UI_LANGUAGE,
      DOMAIN: domain,
      PROTOCOL: https ? 1 : 0,
      PATH: '/rest',
      AUTH_ID: auth?.access_token ?? '',
      AUTH_EXPIRES: this.expiresIn(),
      REFRESH_ID: auth?.refresh_token ?? '',
      MEMBER_ID: auth?.member_id ?? '',
      FIRST_RUN: firstRun,
      IS_ADMIN: auth?.is_admin === true,
      INSTALL: this.installing,
      USER_OPTIONS: auth?.user_options ?? {},
      APP_OPTIONS: auth?.app_options ?? {},
      PLACEMENT: this.opts.code,
      PLACEMENT_OPTIONS: this.opts.options,
    }
  }

  /** The same app in a slider with PLACEMENT DEFAULT; answered when the slider closes (§3). */
  private openApplication(p: Record<string, unknown>): Promise<Answer> {
    const placement = this.opts.placement
    if (!placement) {
      notify('This app cannot open a page of its own here')
      return Promise.resolve(undefined)
    }
    return new Promise((resolve) => {
      const opening: PlacementOpening = {
        placement,
        code: 'DEFAULT',
        options: withoutSlider(p),
        dialogId: this.opts.dialogId,
      }
      openWindow({
        title: String(p.bx24_title ?? placement.title),
        opening,
        kind: 'slider',
        onClose: () => resolve(undefined),
      })
    })
  }

  /** Only the messenger's own pages open; any other portal path is PATH_NOT_AVAILABLE. */
  private openPath(path: string): Answer {
    if (path.startsWith('/online/')) {
      router.push(path)
      return { result: 'close' }
    }
    return { result: 'error', errorCode: 'PATH_NOT_AVAILABLE' }
  }
}
