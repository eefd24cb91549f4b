// BB-code text of messages (protocol.md §12.3): `parse` turns the raw text the server stores into a
// tree of plain nodes that `BbText` renders with Vue (never as HTML), and `plainText` gives the
// cleaned one-line text the recent list and notifications show (§12.4), from the same tree.
//
// The dialect is the messenger's: [B] [I] [U] [S], [SIZE=n], [COLOR=#hex], [URL], [USER=id],
// [CHAT=id], [CONTEXT=dialog/message], [DIALOG=…], [CODE], [IMG size=…], [ICON=…], [PUT=…],
// [SEND=…], [CALL=…], [TIMESTAMP=…], [DISK=id], [ATTACH=id], [RATING=n], [PCH=n], [BR]; `>>` lines
// and blocks between two lines of 54 dashes are quotes; bare http(s) and www. addresses become
// links. Tags are case-insensitive. What is not a well-formed tag (unknown names, unclosed or
// crossed pairs) stays as the literal text it was, as the server leaves it.

export type Node =
  | { t: 'text'; v: string }
  | { t: 'br' }
  | { t: 'b' | 'i' | 'u' | 's' | 'pch'; c: Node[] }
  | { t: 'size'; px: number; c: Node[] }
  | { t: 'color'; color: string; c: Node[] }
  | { t: 'link'; href: string; c: Node[] }
  | { t: 'user'; id: number | 'all'; c: Node[] }
  | { t: 'dialog'; dialogId: string; messageId: number; c: Node[] }
  | { t: 'put' | 'send'; value: string; c: Node[] }
  | { t: 'call'; number: string; c: Node[] }
  | { t: 'code'; v: string }
  | { t: 'img'; src: string; size: 'small' | 'medium' | 'large' }
  | { t: 'icon'; src: string; size: number; title: string }
  | { t: 'timestamp'; ts: number; format: string }
  | { t: 'disk'; id: number }
  | { t: 'attach'; id: string }
  | { t: 'rating'; n: number }
  | { t: 'quote'; author: string; date: string; c: Node[] }

/** Deeper nesting than this is left as literal text (the messenger nests a few levels at most). */
export const MAX_DEPTH = 24
/** The line that opens and closes a quoted copy of another message. */
export const QUOTE_LINE = '-'.repeat(54)

// --- Links --------------------------------------------------------------------------------------

/**
 * The href a link may carry: http(s) and mailto addresses, and the server's own paths (`/…`, the
 * form ATTACH and KEYBOARD links may take). Anything else (javascript:, data:, vbscript:, `//host`)
 * is refused with ''. A bare `www.` address gets http://.
 */
export function safeHref(raw: string): string {
  // Browsers drop ASCII tab/newline anywhere in a URL and trim spaces and controls at its ends.
  const url = raw.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '')
  if (/^https?:\/\/[^\s/?#]+/i.test(url)) return url
  if (/^mailto:[^\s]+@/i.test(url)) return url
  if (/^\/(?![/\\])/.test(url)) return url
  if (/^www\.[^\s/?#]+\.[^\s/?#]+/i.test(url)) return `http://${url}`
  return ''
}

/** An image or icon source: http(s) or the server's own path only. */
export function safeSrc(raw: string): string {
  const href = safeHref(raw)
  return href.startsWith('mailto:') ? '' : href
}

const BARE_URL = /\b(?:https?:\/\/|www\.)[^\s<>"'[\]]+/gi

/** Splits text into text and link nodes at bare addresses (trailing punctuation stays text). */
export function autoLink(text: string, out: Node[]): void {
  if (!/https?:\/\/|www\./i.test(text)) return pushText(out, text)
  let at = 0
  for (const m of text.matchAll(BARE_URL)) {
    let url = m[0]
    // Sentence punctuation after an address, and closing brackets without their opening ones.
    let opens = 0
    let closes = 0
    for (const ch of url) {
      if (ch === '(') opens++
      else if (ch === ')') closes++
    }
    for (;;) {
      const last = url[url.length - 1]
      if (/[.,;:!?'"]/.test(last)) url = url.slice(0, -1)
      else if (last === ')' && opens < closes) {
        url = url.slice(0, -1)
        closes--
      } else break
    }
    const href = safeHref(url)
    if (!href) continue
    if (m.index! > at) pushText(out, text.slice(at, m.index))
    out.push({ t: 'link', href, c: [{ t: 'text', v: url }] })
    at = m.index! + url.length
  }
  if (at < text.length) pushText(out, text.slice(at))
}

function pushText(out: Node[], v: string): void {
  if (!v) return
  const last = out[out.length - 1]
  if (last && last.t === 'text') last.v += v
  else out.push({ t: 'text', v })
}

// --- Parser -------------------------------------------------------------------------------------

const VOID = new Set(['br', 'icon', 'disk', 'timestamp', 'attach', 'rating'])
const CONTAINER = new Set(['b', 'i', 'u', 's', 'size', 'color', 'url', 'user', 'chat', 'context', 'dialog', 'put', 'send', 'call', 'pch', 'code', 'img'])
/** Tags whose body is taken as it is, unparsed: code, an image's address, `[url]address[/url]`. */
const RAW = new Set(['code', 'img'])
/** Inside these, bare addresses are not turned into links (they are links or actions already). */
const LINKISH = new Set(['url', 'user', 'chat', 'context', 'dialog', 'put', 'send', 'call'])

const TAG = /\[(\/?)([a-z]{1,10})(?:=([^\][]{0,2000})|\s+([^\][]{0,2000}))?\]/iy

interface Frame {
  name: string
  value: string
  attrs: string
  open: string
  c: Node[]
  linkish: boolean
}

/** Parses BB-code text into nodes; safe for any input (linear in its length). */
export function parse(input: string): Node[] {
  const src = input.replace(/\r\n?/g, '\n').replace(/#BR#/g, '\n')
  const lower = src.toLowerCase()
  const root: Frame = { name: '', value: '', attrs: '', open: '', c: [], linkish: false }
  const stack: Frame[] = [root]
  // Where no closing tag of a name exists any more from some position on (keeps it linear).
  const noClose = new Map<string, number>()
  let text = ''

  const top = () => stack[stack.length - 1]
  const flush = () => {
    if (!text) return
    const f = top()
    const parts = text.split('\n')
    parts.forEach((part, i) => {
      if (i > 0) f.c.push({ t: 'br' })
      if (!part) return
      if (f.linkish) pushText(f.c, part)
      else autoLink(part, f.c)
    })
    text = ''
  }
  const closeAt = (name: string, from: number): number => {
    const known = noClose.get(name)
    if (known !== undefined && from >= known) return -1
    const i = lower.indexOf(`[/${name}]`, from)
    if (i < 0) noClose.set(name, Math.min(from, known ?? from))
    return i
  }
  // An unclosed frame becomes what it was: its opening tag as text, then its content.
  const unwind = (f: Frame) => {
    const into = top()
    pushText(into.c, f.open)
    for (const n of f.c) {
      if (n.t === 'text') pushText(into.c, n.v)
      else into.c.push(n)
    }
  }

  let pos = 0
  while (pos < src.length) {
    const at = src.indexOf('[', pos)
    if (at < 0) {
      text += src.slice(pos)
      break
    }
    text += src.slice(pos, at)
    TAG.lastIndex = at
    const m = TAG.exec(src)
    if (!m) {
      text += '['
      pos = at + 1
      continue
    }
    const whole = m[0]
    const closing = m[1] === '/'
    const name = m[2].toLowerCase()
    const raw = m[3] ?? ''
    const value = raw.trim()
    const attrs = (m[4] ?? '').trim()
    const after = at + whole.length

    if (closing) {
      let k = stack.length - 1
      while (k > 0 && stack[k].name !== name) k--
      if (k === 0) {
        text += whole
        pos = after
        continue
      }
      flush()
      while (stack.length - 1 > k) unwind(stack.pop()!)
      const f = stack.pop()!
      const node = finish(f)
      const into = top().c
      if (Array.isArray(node)) for (const n of node) n.t === 'text' ? pushText(into, n.v) : into.push(n)
      else into.push(node)
      pos = after
      continue
    }

    if (VOID.has(name)) {
      const node = voidNode(name, value, attrs)
      if (!node) {
        text += whole
      } else {
        flush()
        top().c.push(node)
      }
      pos = after
      continue
    }

    if (!CONTAINER.has(name) || stack.length > MAX_DEPTH) {
      text += whole
      pos = after
      continue
    }

    // Bodies taken as they are: [code], [img], [url]address[/url], [call]number[/call],
    // [send]text[/send] and [put]text[/put] without a value.
    if (RAW.has(name) || (!value && (name === 'url' || name === 'call' || name === 'send' || name === 'put'))) {
      const end = closeAt(name, after)
      if (end < 0) {
        text += whole
        pos = after
        continue
      }
      const body = src.slice(after, end)
      const node = rawNode(name, attrs, body)
      flush()
      if (node.t === 'text') pushText(top().c, node.v)
      else top().c.push(node)
      pos = end + name.length + 3
      continue
    }

    flush()
    // What [PUT] puts and [SEND] sends is taken as written (`[PUT=/search ]` keeps its space).
    const kept = name === 'put' || name === 'send' ? raw : value
    stack.push({ name, value: kept, attrs, open: whole, c: [], linkish: top().linkish || LINKISH.has(name) })
    pos = after
  }
  flush()
  while (stack.length > 1) unwind(stack.pop()!)
  return quotes(root.c)
}

function userId(value: string): number | 'all' | null {
  const v = value.trim().split(/\s+/)[0] ?? ''
  if (/^all$/i.test(v)) return 'all'
  const id = Number(v)
  return Number.isInteger(id) && id > 0 ? id : null
}

/** `chat5`, `5` (a user) or `imol|12` from a [CHAT]/[DIALOG] value; `U1:U2` names a private dialog. */
function dialogOf(value: string): string {
  const v = value.trim()
  if (/^\d+$/.test(v)) return `chat${v}`
  if (/^chat\d+$/i.test(v)) return v.toLowerCase()
  if (/^imol\|\d+$/i.test(v)) return v.toLowerCase()
  if (/^\d+:\d+$/.test(v)) return v
  return ''
}

function finish(f: Frame): Node | Node[] {
  const c = f.c
  switch (f.name) {
    case 'b':
    case 'i':
    case 'u':
    case 's':
    case 'pch':
      return { t: f.name, c }
    case 'size': {
      const px = Math.round(Number(f.value))
      return Number.isFinite(px) && f.value !== '' ? { t: 'size', px: Math.min(30, Math.max(8, px)), c } : c
    }
    case 'color':
      return /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(f.value) ? { t: 'color', color: f.value, c } : c
    case 'url': {
      const href = safeHref(f.value.replace(/^["']|["']$/g, ''))
      if (!href) return c.length ? c : [{ t: 'text', v: f.value }]
      return { t: 'link', href, c: c.length ? c : [{ t: 'text', v: f.value }] }
    }
    case 'user': {
      const id = userId(f.value)
      return id === null ? c : { t: 'user', id, c }
    }
    case 'chat': {
      const dialogId = dialogOf(f.value)
      return dialogId ? { t: 'dialog', dialogId, messageId: 0, c } : c
    }
    case 'context': {
      const m = /^(chat\d+|\d+:\d+|\d+)\/(\d+)$/i.exec(f.value.trim())
      return m ? { t: 'dialog', dialogId: m[1].toLowerCase(), messageId: Number(m[2]), c } : c
    }
    case 'dialog': {
      const m = /^(\S+)(?:\s+message=(\d+))?/i.exec(f.value.trim())
      const dialogId = m ? (/^\d+$/.test(m[1]) ? m[1] : dialogOf(m[1])) : ''
      return dialogId ? { t: 'dialog', dialogId, messageId: Number(m?.[2] ?? 0), c } : c
    }
    case 'put':
    case 'send':
      return { t: f.name, value: f.value, c }
    case 'call': {
      const number = phone(f.value)
      return number ? { t: 'call', number, c } : c
    }
  }
  return c
}

function phone(v: string): string {
  const n = v.replace(/[^\d+*#]/g, '')
  return /\d/.test(n) ? n : ''
}

function rawNode(name: string, attrs: string, body: string): Node {
  switch (name) {
    case 'code':
      return { t: 'code', v: body.replace(/^\n/, '').replace(/\n$/, '') }
    case 'img': {
      const src = safeSrc(body.trim())
      const size = /size=(small|medium|large)/i.exec(attrs)?.[1]?.toLowerCase() as 'small' | 'medium' | 'large' | undefined
      return src ? { t: 'img', src, size: size ?? 'medium' } : { t: 'text', v: body }
    }
    case 'url': {
      const href = safeHref(body.trim())
      return href ? { t: 'link', href, c: [{ t: 'text', v: body.trim() }] } : { t: 'text', v: body }
    }
    case 'call': {
      const number = phone(body)
      return number ? { t: 'call', number, c: [{ t: 'text', v: body }] } : { t: 'text', v: body }
    }
    default: // send, put without a value: the body is both the label and what is sent or put
      return { t: name as 'send' | 'put', value: body, c: body ? [{ t: 'text', v: body }] : [] }
  }
}

/** `[icon=URL size=N title=T]` and `[timestamp=UNIX format=F]`: the value, then key=value pairs. */
function pairs(s: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of s.matchAll(/\b(size|width|height|title|format)=(.*?)(?=\s+(?:size|width|height|title|format)=|$)/gi))
    out[m[1].toLowerCase()] = m[2].trim()
  return out
}

function voidNode(name: string, value: string, attrs: string): Node | null {
  switch (name) {
    case 'br':
      return value || attrs ? null : { t: 'br' }
    case 'icon': {
      const [url = '', ...rest] = value.split(/\s+/)
      const src = safeSrc(url)
      if (!src) return null
      const p = pairs(rest.join(' '))
      const size = Math.min(100, Math.max(8, Number(p.size ?? p.height ?? 20) || 20))
      return { t: 'icon', src, size, title: p.title ?? '' }
    }
    case 'disk': {
      const id = Number(value)
      return Number.isInteger(id) && id > 0 ? { t: 'disk', id } : null
    }
    case 'timestamp': {
      const [ts = '', ...rest] = value.split(/\s+/)
      const n = Number(ts)
      return Number.isFinite(n) && /^\d+$/.test(ts) ? { t: 'timestamp', ts: n, format: pairs(rest.join(' ')).format ?? '' } : null
    }
    case 'attach':
      return value && /^[\w-]{1,64}$/.test(value) ? { t: 'attach', id: value } : null
    case 'rating': {
      const n = Number(value)
      return Number.isInteger(n) && n >= 1 && n <= 5 ? { t: 'rating', n } : null
    }
  }
  return null
}

// --- Quotes -------------------------------------------------------------------------------------

/** Splits top-level nodes into lines (at line breaks). */
function lines(nodes: Node[]): Node[][] {
  const out: Node[][] = [[]]
  for (const n of nodes) {
    if (n.t === 'br') out.push([])
    else out[out.length - 1].push(n)
  }
  return out
}

const isQuoteLine = (line: Node[]) => line.length === 1 && line[0].t === 'text' && line[0].v.trim() === QUOTE_LINE
const isChevronLine = (line: Node[]) => line.length > 0 && line[0].t === 'text' && line[0].v.startsWith('>>')

function join(ls: Node[][]): Node[] {
  const out: Node[] = []
  ls.forEach((l, i) => {
    if (i > 0) out.push({ t: 'br' })
    out.push(...l)
  })
  return out
}

/**
 * Top-level quotes: consecutive `>>` lines become one quote; lines between two 54-dash lines are a
 * quoted message whose first line, `Name [date]`, names its author.
 */
function quotes(nodes: Node[]): Node[] {
  const ls = lines(nodes)
  if (!ls.some((l) => isQuoteLine(l) || isChevronLine(l))) return nodes
  const out: Node[][] = []
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]
    if (isQuoteLine(l)) {
      let j = i + 1
      while (j < ls.length && !isQuoteLine(ls[j])) j++
      if (j < ls.length) {
        const body = ls.slice(i + 1, j)
        let author = ''
        let date = ''
        const head = body[0]
        const m = head && head.length === 1 && head[0].t === 'text' ? /^(.+?)\s*\[([^\]]+)\]\s*$/.exec(head[0].v) : null
        if (m && body.length > 1) {
          author = m[1]
          date = m[2]
          body.shift()
        }
        out.push([{ t: 'quote', author, date, c: quotes(join(body)) }])
        i = j
        continue
      }
    }
    if (isChevronLine(l)) {
      const body: Node[][] = []
      while (i < ls.length && isChevronLine(ls[i])) {
        const [first, ...rest] = ls[i]
        const v = (first as { v: string }).v.slice(2)
        body.push(v ? [{ t: 'text', v }, ...rest] : rest)
        i++
      }
      i--
      out.push([{ t: 'quote', author: '', date: '', c: join(body) }])
      continue
    }
    out.push(l)
  }
  // A quote is a block: the line breaks around it are its own.
  const flat: Node[] = []
  let prevText = false
  for (const l of out) {
    const quote = l.length === 1 && l[0].t === 'quote'
    if (prevText && !quote) flat.push({ t: 'br' })
    flat.push(...l)
    prevText = !quote
  }
  return flat
}

// --- Plain text ---------------------------------------------------------------------------------

export interface PlainOptions {
  /** The name of a user, for mentions with an empty body. */
  userName?: (id: number) => string
}

/**
 * The cleaned one-line text of a message (protocol.md §12.4): tags removed with their text kept,
 * struck-through text dropped, icons as `(title)`, quotes as `[Quote]`, attachments and ratings as
 * their words, line breaks as spaces.
 */
export function plainText(text: string, opts: PlainOptions = {}): string {
  const parts: string[] = []
  const walk = (nodes: Node[]) => {
    for (const n of nodes) {
      switch (n.t) {
        case 'text':
          parts.push(n.v)
          break
        case 'code':
          parts.push(n.v)
          break
        case 'br':
          parts.push(' ')
          break
        case 's':
          break
        case 'user':
          if (n.c.length) walk(n.c)
          else parts.push(n.id === 'all' ? 'all' : (opts.userName?.(n.id) ?? `#${n.id}`))
          break
        case 'icon':
          parts.push(n.title ? `(${n.title})` : '(icon)')
          break
        case 'quote':
          parts.push(' [Quote] ')
          break
        case 'attach':
          parts.push(' [Attachment] ')
          break
        case 'rating':
          parts.push(' [Rating] ')
          break
        case 'disk':
          parts.push(' [File] ')
          break
        case 'img':
          parts.push(' [Image] ')
          break
        case 'timestamp':
          parts.push(formatTimestamp(n.ts, n.format))
          break
        default:
          if ('c' in n) walk(n.c)
      }
    }
  }
  walk(parse(text))
  return parts.join('').replace(/\s+/g, ' ').trim()
}

/** A [TIMESTAMP] as the reader's locale writes it; FORMAT names of the platform map to styles. */
export function formatTimestamp(ts: number, format: string): string {
  const d = new Date(ts * 1000)
  if (Number.isNaN(d.getTime())) return String(ts)
  const f = format.toUpperCase()
  if (f.includes('TIME') && !f.includes('DATE') && !f.includes('DAY')) return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
  if (f.startsWith('SHORT_DATE') || f === 'DAY_MONTH_FORMAT' || f === 'DAY_SHORT_MONTH_FORMAT') return d.toLocaleDateString()
  if (f.includes('DATE') && !f.includes('TIME')) return d.toLocaleDateString([], { dateStyle: 'long' })
  return d.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' })
}

/**
 * The text of a message as the reader sees it, for the clipboard: line breaks kept, quotes as
 * `> ` lines, links and mentions as their text.
 */
export function readableText(text: string, opts: PlainOptions = {}): string {
  const walk = (nodes: Node[]): string =>
    nodes
      .map((n): string => {
        switch (n.t) {
          case 'text':
          case 'code':
            return n.v
          case 'br':
            return '\n'
          case 'user':
            return n.c.length ? walk(n.c) : n.id === 'all' ? 'all' : (opts.userName?.(n.id) ?? `#${n.id}`)
          case 'icon':
            return n.title ? `(${n.title})` : ''
          case 'img':
            return n.src
          case 'timestamp':
            return formatTimestamp(n.ts, n.format)
          case 'quote': {
            const head = n.author ? `${n.author} [${n.date}]\n` : ''
            return `\n${(head + walk(n.c)).replace(/^/gm, '> ')}\n`
          }
          case 'disk':
          case 'attach':
          case 'rating':
            return ''
          default:
            return 'c' in n ? walk(n.c) : ''
        }
      })
      .join('')
  return walk(parse(text)).replace(/\n{3,}/g, '\n\n').trim()
}

/** A message quoted the Bitrix24 way: between two 54-dash lines, under `Author [date]`. */
export function quoteText(author: string, date: string, text: string): string {
  // A quote of a quote keeps only the new text, as the messenger does.
  const own = text.replace(new RegExp(`${QUOTE_LINE}\\n[\\s\\S]*?\\n${QUOTE_LINE}\\n?`, 'g'), '').trim()
  return `${QUOTE_LINE}\n${author} [${date}]\n${own}\n${QUOTE_LINE}\n`
}
