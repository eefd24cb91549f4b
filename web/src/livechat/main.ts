// The live chat window (/online/<code>; docs/openlines.md "Live chat"): what a website's visitor
// sees, in the iframe /livechat/loader.js opens or as a page of its own. It speaks the Bitrix24
// widget protocol (protocol-openlines.md §8.3): widget.config.get by the line's code, then the
// visitor's hash (kept in localStorage and the LIVECHAT_HASH cookie, so a reload is the same
// visitor in the same conversation), the history, sending and typing through im.*, replies live
// through push, and the rating when the operator closes the conversation.
//
// Plain DOM and TypeScript, no Vue: the page is loaded into other people's websites, so it stays a
// few kilobytes beside the push client.
import './livechat.css'
import { call, setAuth, LivechatError } from './rest'
import { startPull } from './pull'

interface LineConfig {
  configId: number
  configName: string
  online: boolean
  vote: { enable: boolean; messageText: string; messageLike: string; messageDislike: string }
}
interface Visitor {
  id: number
}
interface Dialog {
  chatId: number
  dialogId: string
  sessionId: number
  sessionClose: boolean
  sessionStatus: number
  userVote: string
}
interface ShownMessage {
  id: number
  author: number
  text: string
  date: string
  system: boolean
}

const HASH_KEY = 'LIVECHAT_HASH'
const root = document.getElementById('livechat') as HTMLElement

const state = {
  me: 0,
  chatId: 0,
  dialogId: '',
  sessionId: 0,
  closed: false,
  /** The session's status code; 50 (WAIT_CLIENT) is the operator's close waiting for the rating. */
  status: 0,
  voted: false,
  config: null as LineConfig | null,
  messages: new Map<number, ShownMessage>(),
  names: new Map<number, string>(),
}

// --- The visitor's hash

// The loader passes the hash the host page keeps (first-party storage) in the frame's fragment:
// a browser that blocks storage in third-party frames would otherwise forget the visitor.
function hashFromHost(): string | null {
  const given = new URLSearchParams(location.hash.slice(1)).get('hash')
  return given && /^[0-9a-f]{32}$/i.test(given) ? given : null
}

function storedHash(): string | null {
  const fromHost = hashFromHost()
  if (fromHost) return fromHost
  try {
    const kept = localStorage.getItem(HASH_KEY)
    if (kept) return kept
  } catch {
    // storage refused (private mode, blocked third-party storage): the cookie may still hold it
  }
  const cookie = document.cookie.split('; ').find((c) => c.startsWith(`${HASH_KEY}=`))
  return cookie ? decodeURIComponent(cookie.slice(HASH_KEY.length + 1)) : null
}

function storeHash(hash: string | null): void {
  try {
    if (hash) localStorage.setItem(HASH_KEY, hash)
    else localStorage.removeItem(HASH_KEY)
  } catch {
    // see storedHash
  }
  const secure = location.protocol === 'https:' ? '; Secure' : ''
  document.cookie = hash
    ? `${HASH_KEY}=${encodeURIComponent(hash)}; path=/; max-age=31536000; SameSite=Lax${secure}`
    : `${HASH_KEY}=; path=/; max-age=0`
  // In the loader's frame: the host page keeps it too (it is the visitor's own page).
  if (window.parent !== window) window.parent.postMessage({ imhubLivechat: 'hash', hash }, '*')
}

// A known hash names the same visitor (and their conversation); an unknown one is forgotten and a
// new visitor registered.
async function identify(config: LineConfig): Promise<Dialog> {
  const known = storedHash()
  if (known) {
    setAuth(known)
    try {
      const me = await call<Visitor>('imopenlines.widget.user.get')
      state.me = me.id
      return await call<Dialog>('imopenlines.widget.dialog.get', { CONFIG_ID: config.configId })
    } catch (e) {
      if (!(e instanceof LivechatError) || e.code !== 'LIVECHAT_AUTH_WIDGET_USER') throw e
      storeHash(null)
      setAuth(null)
    }
  }
  const registered = await call<{ id: number; hash: string }>('imopenlines.widget.user.register', {
    CONFIG_ID: config.configId,
  })
  storeHash(registered.hash)
  setAuth(registered.hash)
  state.me = registered.id
  return call<Dialog>('imopenlines.widget.dialog.get', { CONFIG_ID: config.configId })
}

// --- Rendering

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  node.className = cls
  if (text !== undefined) node.textContent = text
  return node
}

// BB-code as text: [b] becomes bold, [br] and newlines break the line, other tags are dropped.
// Everything goes in as text nodes, never as HTML.
function textNodes(text: string): Node[] {
  const out: Node[] = []
  const plain = text.replace(/\[br\]/gi, '\n')
  for (const [i, part] of plain.split(/\[b\]([\s\S]*?)\[\/b\]/i).entries()) {
    const clean = part.replace(/\[\/?[a-z]+(?:=[^\]]*)?\]/gi, '')
    clean.split('\n').forEach((line, j) => {
      if (j > 0) out.push(document.createElement('br'))
      if (!line) return
      if (i % 2 === 1) {
        const b = document.createElement('b')
        b.textContent = line
        out.push(b)
      } else {
        out.push(document.createTextNode(line))
      }
    })
  }
  return out
}

const parts = {
  title: el('h1', 'lc-title'),
  status: el('p', 'lc-status'),
  list: el('ol', 'lc-messages'),
  typing: el('p', 'lc-typing'),
  vote: el('section', 'lc-vote'),
  form: el('form', 'lc-compose'),
  input: el('textarea', 'lc-input'),
  send: el('button', 'lc-send', 'Send'),
}

function buildFrame(): void {
  const head = el('header', 'lc-head')
  head.append(parts.title, parts.status)
  parts.list.setAttribute('role', 'log')
  parts.list.setAttribute('aria-label', 'Conversation')
  parts.typing.hidden = true
  parts.vote.hidden = true
  parts.input.rows = 2
  parts.input.placeholder = 'Type a message…'
  parts.input.setAttribute('aria-label', 'Message')
  parts.send.type = 'submit'
  parts.form.append(parts.input, parts.send)
  root.replaceChildren(head, parts.list, parts.typing, parts.vote, parts.form)
}

function timeOf(date: string): string {
  const d = new Date(date)
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
}

function render(): void {
  const items = [...state.messages.values()].sort((a, b) => a.id - b.id)
  parts.list.replaceChildren(
    ...items.map((m) => {
      const mine = m.author === state.me
      const li = el('li', mine ? 'lc-msg lc-mine' : m.author > 0 ? 'lc-msg lc-operator' : 'lc-msg lc-line')
      li.dataset.id = String(m.id)
      if (!mine) li.append(el('span', 'lc-author', m.author > 0 ? (state.names.get(m.author) ?? '') : state.config?.configName ?? ''))
      const body = el('span', 'lc-text')
      body.append(...textNodes(m.text))
      li.append(body, el('time', 'lc-time', timeOf(m.date)))
      return li
    }),
  )
  parts.list.scrollTop = parts.list.scrollHeight
}

// Notices of the chat itself (author 0 without the line's class) are not the visitor's business.
function shown(author: number, text: string, params: unknown, deleted: boolean): boolean {
  if (deleted || !text) return false
  if (author > 0) return true
  const cls = (params as { CLASS?: string } | null)?.CLASS
  return cls === 'bx-messenger-content-item-ol-output'
}

function add(raw: Record<string, any>): void {
  const author = Number(raw.senderId ?? raw.author_id ?? 0)
  const params = raw.params ?? null
  const deleted = params?.IS_DELETED === 'Y'
  if (!shown(author, String(raw.text ?? ''), params, deleted)) return
  state.messages.set(Number(raw.id), {
    id: Number(raw.id),
    author,
    text: String(raw.text ?? ''),
    date: String(raw.date ?? new Date().toISOString()),
    system: raw.system === 'Y' || raw.system === true,
  })
}

function learnUsers(users: unknown): void {
  const list = Array.isArray(users) ? users : Object.values((users ?? {}) as Record<string, unknown>)
  for (const u of list as Array<{ id: number; name?: string; first_name?: string; firstName?: string }>)
    if (u && u.id) state.names.set(Number(u.id), u.name || u.first_name || u.firstName || '')
}

// A thumb drawn inline (emoji depend on the fonts a visitor's system happens to have).
function thumb(down: boolean): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg'
  const svg = document.createElementNS(ns, 'svg')
  svg.setAttribute('viewBox', '0 0 24 24')
  svg.setAttribute('width', '16')
  svg.setAttribute('height', '16')
  svg.setAttribute('aria-hidden', 'true')
  svg.setAttribute('class', 'lc-thumb')
  if (down) svg.setAttribute('transform', 'rotate(180)')
  const path = document.createElementNS(ns, 'path')
  path.setAttribute('fill', 'currentColor')
  path.setAttribute('d', 'M2 10h4v11H2zM8 21h9.2a2 2 0 0 0 2-1.6l1.7-7.6A2 2 0 0 0 19 9h-5.3l.8-4.2A1.7 1.7 0 0 0 11.6 3L8 9z')
  svg.append(path)
  return svg
}

// The operator's close with a rating asked for (VOTE_MESSAGE=Y) leaves the session waiting for the
// client (50) until FULL_CLOSE_TIME; the rating is offered then, and after a final close.
const WAIT_CLIENT = 50

function showVote(): void {
  const vote = state.config?.vote
  const finished = state.closed || state.status === WAIT_CLIENT
  const offer = !!vote?.enable && finished && state.sessionId > 0 && !state.voted
  parts.vote.hidden = !offer
  if (!offer || !vote) return
  const ask = el('p', 'lc-vote-text', vote.messageText || 'Please rate the conversation')
  const like = el('button', 'lc-like', ' Like')
  const dislike = el('button', 'lc-dislike', ' Dislike')
  like.prepend(thumb(false))
  dislike.prepend(thumb(true))
  like.type = dislike.type = 'button'
  like.setAttribute('aria-label', 'Like')
  dislike.setAttribute('aria-label', 'Dislike')
  const choose = (action: 'like' | 'dislike') => async () => {
    like.disabled = dislike.disabled = true
    try {
      await call('imopenlines.widget.vote.send', { SESSION_ID: state.sessionId, ACTION: action })
      state.voted = true
      // A rating the operator's close asked for (WAIT_CLIENT) is answered by the line itself: its
      // thanks (VOTE_MESSAGE_2_LIKE / _DISLIKE) arrives in the conversation. After a final close no
      // answer comes, so the window says it.
      if (state.status === WAIT_CLIENT) parts.vote.hidden = true
      else
        parts.vote.replaceChildren(
          el('p', 'lc-vote-text', (action === 'like' ? vote.messageLike : vote.messageDislike) || 'Thank you!'),
        )
    } catch {
      like.disabled = dislike.disabled = false
    }
  }
  like.addEventListener('click', choose('like'))
  dislike.addEventListener('click', choose('dislike'))
  parts.vote.replaceChildren(ask, like, dislike)
}

// --- Live

let typingTimer = 0

function onPush(command: string, p: Record<string, any>): void {
  if (command === 'messageChat' && Number(p.chatId) === state.chatId) {
    learnUsers(p.users)
    add(p.message ?? {})
    if (Number(p.message?.senderId) !== state.me) parts.typing.hidden = true
    render()
  } else if (command === 'messageUpdate' && Number(p.chatId) === state.chatId) {
    const m = state.messages.get(Number(p.id))
    if (m) m.text = String(p.text ?? m.text)
    render()
  } else if ((command === 'messageDelete' || command === 'messageDeleteComplete') && Number(p.chatId) === state.chatId) {
    state.messages.delete(Number(p.id))
    render()
  } else if (command === 'startWriting' && p.dialogId === state.dialogId && Number(p.userId) !== state.me) {
    parts.typing.textContent = `${p.userName || 'Operator'} is typing…`
    parts.typing.hidden = false
    window.clearTimeout(typingTimer)
    typingTimer = window.setTimeout(() => (parts.typing.hidden = true), 6000)
  } else if (command === 'sessionStart' && Number(p.chatId) === state.chatId) {
    state.sessionId = Number(p.sessionId)
    state.closed = false
    state.status = 0
    state.voted = false
    showVote()
  } else if (command === 'sessionStatus' && Number(p.chatId) === state.chatId) {
    state.sessionId = Number(p.sessionId)
    state.closed = !!p.sessionClose
    state.status = Number(p.sessionStatus ?? 0)
    showVote()
  }
}

// --- Sending and typing

let lastTyping = 0

function wireCompose(): void {
  parts.form.addEventListener('submit', async (e) => {
    e.preventDefault()
    const text = parts.input.value.trim()
    if (!text) return
    parts.send.disabled = true
    try {
      const id = await call<number>('im.message.add', { DIALOG_ID: state.dialogId, MESSAGE: text })
      add({ id, senderId: state.me, text, date: new Date().toISOString() })
      parts.input.value = ''
      render()
    } finally {
      parts.send.disabled = false
      parts.input.focus()
    }
  })
  parts.input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault()
      parts.form.requestSubmit()
    }
  })
  parts.input.addEventListener('input', () => {
    const now = Date.now()
    if (now - lastTyping < 4000) return
    lastTyping = now
    call('im.dialog.writing', { DIALOG_ID: state.dialogId }).catch(() => {})
  })
}

async function loadHistory(): Promise<void> {
  const page = await call<{ messages: Array<Record<string, any>>; users: unknown }>('im.dialog.messages.get', {
    DIALOG_ID: state.dialogId,
    LIMIT: 50,
  })
  learnUsers(page.users)
  for (const m of page.messages) add(m)
  render()
}

async function start(): Promise<void> {
  buildFrame()
  const code = location.pathname.split('/').filter(Boolean)[1] ?? ''
  try {
    const config = await call<LineConfig>('imopenlines.widget.config.get', { CODE: code })
    state.config = config
    parts.title.textContent = config.configName
    parts.status.textContent = config.online ? 'Online' : 'We will answer as soon as we can'
    document.title = config.configName
    const dialog = await identify(config)
    state.chatId = dialog.chatId
    state.dialogId = dialog.dialogId
    state.sessionId = dialog.sessionId
    state.closed = dialog.sessionClose
    state.status = Number(dialog.sessionStatus ?? 0)
    state.voted = dialog.userVote !== 'none'
    wireCompose()
    await loadHistory()
    showVote()
    await startPull(state.me, onPush)
    root.dataset.ready = 'true'
  } catch (e) {
    console.error('livechat:', e)
    parts.status.textContent = 'The chat is not available right now.'
    root.dataset.error = e instanceof LivechatError ? e.code : 'ERROR'
  }
}

void start()
