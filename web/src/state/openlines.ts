// Open Channels as the operator sees them: the open sessions the signed-in user may operate
// (imhub.openlines.session.list), grouped as Bitrix24's "Open Channels" tab groups them — waiting
// (offered to me, nobody answered yet), active (mine, or ones I joined) and, for those who see
// more than their own (the line's other operators, administrators), the others' sessions one may
// intercept. The server stays the authority: every session push (updateSessionStatus,
// linesAnswer) and every change of a LINES chat's members reloads the list; while nothing is
// pushed (sessions offered to colleagues reach no one else) it is reloaded every 30 s while shown.
import { computed, reactive } from 'vue'
import { call } from '../api/rest'
import { onIm, onPull } from '../api/pull'
import { ensureUsers } from './users'
import type { DialogId } from './types'

/** One open session, as imhub.openlines.session.list gives it. */
export interface LinesSession {
  session_id: number
  chat_id: number
  dialog_id: DialogId
  title: string
  line_id: number
  line_name: string
  /** The platform's status code (protocol-openlines.md §3.1). */
  status: number
  operator_id: number
  answered: boolean
  /** Whether the signed-in user is in the chat (offered, in charge, joined). */
  member: boolean
  pinned: boolean
  silent: boolean
  mode: string
  client_id: number
  connector: string
  user_code: string
  /** The chat's sessions, newest first (the customer's history). */
  session_ids: number[]
  date_create: string
  date_modify: string
}

export type SessionGroup = 'waiting' | 'active' | 'others'

/** The platform's names of the status codes (protocol-openlines.md §3.1). */
export const STATUS_NAMES: Record<number, string> = {
  0: 'New',
  5: 'Skipped',
  10: 'Answered',
  20: 'Client wrote',
  25: 'Client wrote',
  40: 'Operator replied',
  50: 'Waiting for the client',
  60: 'Closed',
  65: 'Spam',
  69: 'Duplicate',
  75: 'Closed silently',
}

export function statusName(status: number): string {
  return STATUS_NAMES[status] ?? `Status ${status}`
}

/** Which group of the list a session belongs to for user `me`. */
export function groupOf(s: LinesSession, me: number): SessionGroup {
  if (!s.answered && s.member) return 'waiting'
  if (s.answered && (s.operator_id === me || s.member)) return 'active'
  return 'others'
}

export interface GroupedSessions {
  waiting: LinesSession[]
  active: LinesSession[]
  others: LinesSession[]
}

/** The groups as shown: waiting ones oldest first (the queue's order), the rest latest first. */
export function groupSessions(sessions: Iterable<LinesSession>, me: number): GroupedSessions {
  const out: GroupedSessions = { waiting: [], active: [], others: [] }
  for (const s of sessions) out[groupOf(s, me)].push(s)
  out.waiting.sort((a, b) => a.session_id - b.session_id)
  const latest = (a: LinesSession, b: LinesSession) =>
    a.date_modify === b.date_modify ? b.session_id - a.session_id : a.date_modify < b.date_modify ? 1 : -1
  out.active.sort(latest)
  out.others.sort(latest)
  return out
}

/**
 * What the session bar offers `me` on a session. It mirrors who the server lets do what
 * (docs/openlines.md "Who may do what") only to choose the buttons: the server decides, and a
 * refusal is shown as its error.
 */
export interface SessionActions {
  answer: boolean
  skip: boolean
  transfer: boolean
  finish: boolean
  spam: boolean
  intercept: boolean
  join: boolean
  pin: boolean
  silent: boolean
  start: boolean
}

export function actionsFor(s: LinesSession | undefined, me: number, isAdmin: boolean): SessionActions {
  const none: SessionActions = {
    answer: false, skip: false, transfer: false, finish: false, spam: false,
    intercept: false, join: false, pin: false, silent: false, start: false,
  }
  // No open session: an operator may start one (session.start).
  if (!s) return { ...none, start: true }
  const mine = s.operator_id === me
  const inCharge = s.answered && (mine || s.member)
  return {
    answer: !s.answered,
    skip: !s.answered && s.member,
    transfer: s.member || mine,
    finish: s.answered && (inCharge || isAdmin),
    spam: mine || isAdmin,
    intercept: s.answered && !mine,
    join: s.answered && !s.member,
    pin: inCharge,
    silent: s.member || mine,
    start: false,
  }
}

/** The method "Finish" calls: one's own dialog, or someone else's (operator.another.finish). */
export function finishMethod(s: LinesSession, me: number): string {
  return s.operator_id === me ? 'imopenlines.operator.finish' : 'imopenlines.operator.another.finish'
}

// --- The store --------------------------------------------------------------------------------

export const openlines = reactive({
  sessions: new Map<DialogId, LinesSession>(),
  loaded: false,
  error: '',
  me: 0,
})

export const groupedSessions = computed(() => groupSessions(openlines.sessions.values(), openlines.me))
/** The navigation's counter: sessions waiting for me. */
export const waitingCount = computed(() => groupedSessions.value.waiting.length)

export function sessionOf(dialogId: DialogId): LinesSession | undefined {
  return openlines.sessions.get(dialogId)
}

let loading: Promise<void> | null = null
let again = false

/** Reloads the list; calls while a load runs coalesce into one more load after it. */
export function loadSessions(): Promise<void> {
  if (loading) {
    again = true
    return loading
  }
  loading = (async () => {
    try {
      const list = await call<LinesSession[]>('imhub.openlines.session.list')
      openlines.sessions = new Map((list ?? []).map((s) => [s.dialog_id, s]))
      openlines.loaded = true
      openlines.error = ''
      ensureUsers([...openlines.sessions.values()].flatMap((s) => [s.operator_id, s.client_id])).catch(() => undefined)
    } catch (e) {
      openlines.error = e instanceof Error ? e.message : String(e)
    } finally {
      loading = null
      if (again) {
        again = false
        void loadSessions()
      }
    }
  })()
  return loading
}

let timer: ReturnType<typeof setTimeout> | undefined
/** A reload shortly after: a burst of pushes (a join, a leave, a status) costs one request. */
export function reloadSoon(delay = 150): void {
  clearTimeout(timer)
  timer = setTimeout(() => void loadSessions(), delay)
}

/** Whether a push names a LINES chat (its chat object or a chat already listed). */
export function isLinesPush(p: Record<string, any>): boolean {
  const chatId = Number(p.chatId ?? 0)
  const chat = p.chat?.[chatId] ?? p.chat
  const type = String(chat?.type ?? chat?.entity_type ?? '').toLowerCase()
  return type === 'lines' || openlines.sessions.has(`chat${chatId}`) || p.counterType === 'openline'
}

let installed = false
export function installOpenlinesPush(me: number): void {
  openlines.me = me
  if (installed) return
  installed = true
  onPull('imopenlines', 'updateSessionStatus', () => reloadSoon())
  onPull('imopenlines', 'linesAnswer', () => reloadSoon())
  // chatUserAdd says nothing of the chat's type: a new LINES chat offered to me is one of them.
  onIm('chatUserAdd', () => reloadSoon())
  onIm('chatUserLeave', (p) => isLinesPush(p) && reloadSoon())
}
