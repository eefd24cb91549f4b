// The host's answers (protocol-frame.md §2–§5) without a browser: a fake window receives what the
// frame posts, a fake frame window collects the replies.
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'

const listeners: ((e: unknown) => void)[] = []
const storage = new Map<string, string>()
vi.stubGlobal('window', {
  location: { host: 'im.example.com:8080', protocol: 'http:', pathname: '/online/', search: '' },
  addEventListener: (type: string, fn: (e: unknown) => void) => type === 'message' && listeners.push(fn),
  scrollTo: vi.fn(),
})
vi.stubGlobal('localStorage', {
  getItem: (k: string) => storage.get(k) ?? null,
  setItem: (k: string, v: string) => storage.set(k, v),
})

const push = vi.fn()
vi.mock('../router', () => ({
  router: { push: (...a: unknown[]) => push(...a), currentRoute: { value: { query: { IM_DIALOG: 'chat9' } } } },
  dialogLink: (id: string) => `/online/?IM_DIALOG=${id}`,
  linkedDialog: (q: Record<string, unknown>) => String(q.IM_DIALOG ?? ''),
}))
const callWithToken = vi.fn(async () => true)
vi.mock('../api/rest', () => ({ call: vi.fn(), callWithToken: (...a: unknown[]) => callWithToken(...(a as [])) }))
vi.mock('../state/session', () => ({ session: { user: { id: 5 } } }))

let FrameHost: typeof import('./frameHost').FrameHost
let composer: typeof import('../state/composer')
let layer: typeof import('./layer')

beforeAll(async () => {
  ;({ FrameHost } = await import('./frameHost'))
  composer = await import('../state/composer')
  layer = await import('./layer')
})

const APP = 'https://app.example.com'
const replies: string[] = []
const frameWindow = { postMessage: (data: string, origin: string) => replies.push(`${origin} ${data}`) }
let tokens = 0

function host(overrides: Record<string, unknown> = {}) {
  const h = new FrameHost({
    iframe: () => ({ contentWindow: frameWindow }) as unknown as HTMLIFrameElement,
    handler: `${APP}/app.php?x=1`,
    appId: 7,
    authorize: async () => ({
      access_token: `token${++tokens}`,
      refresh_token: `refresh${tokens}`,
      expires_in: 3600,
      member_id: 'member',
      is_admin: false,
      user_options: { a: 1 },
      app_options: {},
    }),
    post: false,
    code: 'IM_SIDEBAR',
    options: { dialogId: 'chat3', URI: '/online/' },
    popup: false,
    ui: { resize: (w, h) => ({ width: w === '100%' ? 300 : w, height: h }) },
    ...overrides,
  })
  return h
}

/** Posts `data` as the frame would; resolves once the host had time to answer. */
async function post(data: unknown, from: { origin?: string; source?: unknown } = {}) {
  for (const l of listeners) l({ data, origin: from.origin ?? APP, source: from.source ?? frameWindow })
  await new Promise((r) => setTimeout(r, 0))
}

beforeEach(() => {
  replies.length = 0
  push.mockClear()
  callWithToken.mockClear()
})

describe('FrameHost', () => {
  it('names the frame and answers getInitData with the tokens and the context', async () => {
    const h = host()
    await h.open()
    expect(h.name).toBe(`im.example.com:8080|0|${h.appSid}`)
    await post(`getInitData:k1:${h.appSid}`)
    expect(replies).toHaveLength(1)
    const [origin, text] = replies[0]!.split(' ')
    expect(origin).toBe(APP)
    const init = JSON.parse(text!.slice('k1:'.length))
    expect(init).toMatchObject({
      LANG: 'en', DOMAIN: 'im.example.com:8080', PROTOCOL: 0, PATH: '/rest', AUTH_ID: 'token1', REFRESH_ID: 'refresh1',
      MEMBER_ID: 'member', FIRST_RUN: true, IS_ADMIN: false, INSTALL: false, USER_OPTIONS: { a: 1 },
      PLACEMENT: 'IM_SIDEBAR', PLACEMENT_OPTIONS: { dialogId: 'chat3', URI: '/online/' },
    })
    expect(init.AUTH_EXPIRES).toBeGreaterThan(3590)
    replies.length = 0
    await post(`getInitData:k2:${h.appSid}`)
    expect(JSON.parse(replies[0]!.split(' ')[1]!.slice(3)).FIRST_RUN).toBe(false)
    h.destroy()
  })

  it('refreshes the tokens, echoes setInstall, answers getInterface', async () => {
    const h = host()
    await h.open()
    await post(`refreshAuth:k1:${h.appSid}`)
    await post(`setInstall:{"install":true}:k2:${h.appSid}`)
    await post(`getInterface:k3:${h.appSid}`)
    const got = replies.map((r) => r.split(' ').slice(1).join(' '))
    expect(JSON.parse(got[0]!.slice(3))).toMatchObject({ AUTH_EXPIRES: 3600, member_id: 'member' })
    expect(JSON.parse(got[0]!.slice(3)).AUTH_ID).toMatch(/^token\d+$/)
    expect(got[1]).toBe('k2:{"install":true}')
    expect(got[2]).toBe('k3:{"command":[],"event":[]}')
    h.destroy()
  })

  it('ignores another origin, another window and another APP_SID', async () => {
    const h = host()
    await h.open()
    await post(`getInterface:k1:${h.appSid}`, { origin: 'https://evil.example.com' })
    await post(`getInterface:k1:${h.appSid}`, { source: {} })
    await post('getInterface:k1:0123456789abcdef0123456789abcdef')
    expect(replies).toEqual([])
    h.destroy()
  })

  it('refuses page commands in a placement and resizeWindow in a popup', async () => {
    const h = host({ popup: true })
    await h.open()
    await post(`setTitle:{"title":"x"}:k1:${h.appSid}`)
    await post(`resizeWindow:{"width":"100%","height":300}:k2:${h.appSid}`)
    expect(replies).toEqual([])
    h.destroy()
    const inline = host()
    await inline.open()
    await post(`resizeWindow:{"width":"100%","height":300}:k3:${inline.appSid}`)
    expect(replies).toEqual([`${APP} k3:{"width":300,"height":300}`])
    inline.destroy()
  })

  it('puts text into the composer and reads it back (object form, §5)', async () => {
    const h = host()
    await h.open()
    composer.composer.drafts.set('chat3', 'draft')
    await post({ method: 'im:getImTextareaContent', params: '', callback: 'k1', appSid: h.appSid, requestId: 'r1' })
    await post({ method: 'im:setImTextareaContent', params: { text: 'hi', withNewLine: true }, callback: 'k2', appSid: h.appSid })
    expect(replies).toEqual([`${APP} k1:"draft"`, `${APP} k2:true`])
    expect(composer.composer.inserted).toMatchObject({ dialogId: 'chat3', text: 'hi', newLine: true, replace: false })
    h.destroy()
  })

  it('routes im* commands, openPath and options as the protocol says', async () => {
    const h = host()
    await h.open()
    await post(`imOpenMessenger:{"dialogId":"chat12"}:k1:${h.appSid}`)
    await post(`imOpenHistory:{"dialogId":"4"}:k2:${h.appSid}`)
    expect(push.mock.calls).toEqual([['/online/?IM_DIALOG=chat12'], ['/online/?IM_HISTORY=4']])
    await post(`imCallTo:{"userId":4,"video":true}:k3:${h.appSid}`)
    expect(layer.layer.notice).toMatch(/not supported/)
    await post(`openPath:{"path":"/crm/deal/details/1/"}:k4:${h.appSid}`)
    await post(`selectCRM:{"entityType":["deal"]}:k5:${h.appSid}`)
    await post(`setUserOption:{"name":"theme","value":"dark"}:k6:${h.appSid}`)
    await post(`setAppOption:{"name":"mode","value":"x"}:k7:${h.appSid}`)
    expect(replies).toEqual([
      `${APP} k4:{"result":"error","errorCode":"PATH_NOT_AVAILABLE"}`,
      `${APP} k5:{}`,
      `${APP} k6:{"name":"theme","value":"dark"}`,
    ])
    expect(callWithToken).toHaveBeenCalledWith(expect.stringMatching(/^token/), 'user.option.set', { options: { theme: 'dark' } })
    expect(callWithToken).toHaveBeenCalledTimes(1) // setAppOption: not an administrator, no reply
    h.destroy()
  })

  it('answers the people picker with the chosen users', async () => {
    const h = host()
    await h.open()
    await post(`selectUser:{"mult":false}:k1:${h.appSid}`)
    const u = { id: 4, name: 'Bob', photo: '', position: '', url: '/company/personal/user/4/', sub: false, sup: false }
    layer.layer.picker!.resolve([u])
    await new Promise((r) => setTimeout(r, 0))
    await post(`selectAccess:{"value":[]}:k2:${h.appSid}`)
    layer.layer.picker!.resolve([u])
    await new Promise((r) => setTimeout(r, 0))
    expect(replies).toEqual([`${APP} k1:${JSON.stringify(u)}`, `${APP} k2:[{"id":"U4","name":"Bob"}]`])
    h.destroy()
  })
})
