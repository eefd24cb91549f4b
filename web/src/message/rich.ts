// The rich params of a message as the server stores them (protocol.md §12.2): ATTACH (a list of
// `{ID, BLOCKS, COLOR, COLOR_TOKEN?}`), KEYBOARD (a list of buttons and `{TYPE:"NEWLINE"}` breaks)
// and MENU (a list of items). Read defensively: a JSON string, a `{BUTTONS}` / `{ITEMS}` wrapper or
// a bare list are all accepted, `"N"` or anything else means none.

export type Action = 'PUT' | 'SEND' | 'COPY' | 'CALL' | 'DIALOG'

/** A keyboard button or a context-menu item: TEXT plus one action. */
export interface RichButton {
  TYPE?: string
  TEXT?: string
  LINK?: string
  COMMAND?: string
  COMMAND_PARAMS?: string
  BOT_ID?: number | string
  APP_ID?: number | string
  APP_PARAMS?: string
  ACTION?: Action | string
  ACTION_VALUE?: string
  BG_COLOR?: string
  BG_COLOR_TOKEN?: string
  TEXT_COLOR?: string
  DISPLAY?: string
  BLOCK?: string
  DISABLED?: string
  WIDTH?: number | string
  CONTEXT?: string
  [key: string]: unknown
}

export type AttachBlock = Record<string, any>

export interface Attach {
  ID: string
  COLOR: string
  COLOR_TOKEN?: string
  BLOCKS: AttachBlock[]
}

function tree(v: unknown): unknown {
  if (typeof v === 'string') {
    const s = v.trim()
    if (!s.startsWith('[') && !s.startsWith('{')) return null
    try {
      return JSON.parse(s)
    } catch {
      return null
    }
  }
  return v
}

function list(v: unknown): unknown[] {
  if (Array.isArray(v)) return v
  // A form-encoded list arrives as an object keyed "0".."n-1".
  if (v && typeof v === 'object' && Object.keys(v).every((k) => /^\d+$/.test(k))) return Object.values(v)
  return []
}

function buttonsOf(v: unknown, wrapper: 'BUTTONS' | 'ITEMS'): RichButton[] {
  const t = tree(v)
  const inner = t && typeof t === 'object' && !Array.isArray(t) && wrapper in t ? (t as Record<string, unknown>)[wrapper] : t
  return list(inner).filter((b): b is RichButton => !!b && typeof b === 'object')
}

export const keyboardOf = (params: Record<string, any> | null | undefined): RichButton[] => buttonsOf(params?.KEYBOARD, 'BUTTONS')
export const menuOf = (params: Record<string, any> | null | undefined): RichButton[] => buttonsOf(params?.MENU, 'ITEMS')

export function attachesOf(params: Record<string, any> | null | undefined): Attach[] {
  const t = tree(params?.ATTACH)
  const out: Attach[] = []
  for (const a of list(t)) {
    if (!a || typeof a !== 'object') continue
    const x = a as Record<string, unknown>
    if (!('BLOCKS' in x)) continue
    out.push({
      ID: String(x.ID ?? ''),
      COLOR: String(x.COLOR ?? 'CHAT'),
      COLOR_TOKEN: x.COLOR_TOKEN ? String(x.COLOR_TOKEN) : undefined,
      BLOCKS: list(x.BLOCKS).filter((b): b is AttachBlock => !!b && typeof b === 'object'),
    })
  }
  return out
}

export const isNewline = (b: RichButton): boolean => String(b.TYPE ?? '').toUpperCase() === 'NEWLINE'
export const yes = (v: unknown): boolean => v === true || String(v ?? '').toUpperCase() === 'Y'

/** `#rgb` / `#rrggbb` colours only (what the server keeps; anything else is dropped here too). */
export function hexColor(v: unknown): string {
  const s = String(v ?? '').trim()
  return /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(s) ? s : ''
}

/**
 * Theme colours of the newer messenger (`COLOR_TOKEN`, `BG_COLOR_TOKEN`) as the UI kit's CSS
 * variables, so they follow the light and dark themes.
 */
const TOKENS: Record<string, string> = {
  primary: 'var(--ui-color-accent-main-primary)',
  base: 'var(--ui-color-base-4)',
  secondary: 'var(--ui-color-accent-main-secondary, var(--ui-color-base-4))',
  success: 'var(--ui-color-accent-main-success)',
  alert: 'var(--ui-color-accent-main-alert)',
  danger: 'var(--ui-color-accent-main-alert)',
  warning: 'var(--ui-color-accent-main-warning)',
  attention: 'var(--ui-color-accent-main-warning)',
}

export function tokenColor(token: unknown): string {
  return TOKENS[String(token ?? '').toLowerCase()] ?? ''
}

/**
 * Whether a button or item with this CONTEXT shows here: the web messenger is the DESKTOP client,
 * and a phone's browser (a coarse pointer on a narrow screen) counts as MOBILE.
 */
export function shownInContext(context: unknown): boolean {
  const c = String(context ?? 'ALL').toUpperCase()
  if (c !== 'MOBILE' && c !== 'DESKTOP') return true
  const mobile =
    typeof window !== 'undefined' && !!window.matchMedia && window.matchMedia('(pointer: coarse) and (max-width: 768px)').matches
  return c === 'MOBILE' ? mobile : !mobile
}

/** "1.5 MB" for a size in bytes. */
export function fileSize(bytes: unknown): string {
  const n = Number(bytes)
  if (!Number.isFinite(n) || n < 0) return ''
  if (n < 1024) return `${n} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`
}
