// The notification centre's store: the list (im.notify.get, confirmations first, then the others,
// newest first), the unread counter (im.counters.get until the list is loaded), and the push
// commands that keep both current (protocol-push.md §9.7: notifyAdd, notifyConfirm, notifyRead,
// notifyUnread, notifyDelete; each carries the new counter). Actions call the im.notify.* methods
// and let the server's answer or its push command change the list.
import { computed, reactive } from 'vue'
import { call } from '../api/rest'
import { onIm } from '../api/pull'
import { rememberUsers } from '../state/users'
import { errorText } from './search'
import type { User } from '../state/types'

export const NOTIFY_CONFIRM = 1

export interface NotifyButton {
  TITLE: string
  VALUE: string
  TYPE?: string
}

export interface Notification {
  id: number
  /** 1 confirm (buttons), 2 from a user, 4 system. */
  type: number
  date: string
  title: string
  text: string
  authorId: number
  read: boolean
  buttons: NotifyButton[]
  canAnswer: boolean
  params: Record<string, any>
  /** What the server said after a confirm or a quick answer. */
  result?: string
}

interface NotifyItem {
  id: number
  author_id: number
  date: string
  notify_type: number
  notify_title: string
  text: string
  notify_read: string
  notify_buttons?: string
  params: Record<string, any> | null
}

interface NotifyPage {
  total_count?: number
  total_unread_count?: number
  notifications: NotifyItem[]
  users?: User[]
}

export const notifications = reactive({
  items: new Map<number, Notification>(),
  counter: 0,
  loaded: false,
  loading: false,
  hasMore: false,
  error: '',
})

/** Confirmations first (they wait for an answer), then by id, newest first. */
export const notificationList = computed(() =>
  [...notifications.items.values()].sort((a, b) => {
    const ca = a.type === NOTIFY_CONFIRM ? 0 : 1
    const cb = b.type === NOTIFY_CONFIRM ? 0 : 1
    return ca - cb || b.id - a.id
  }),
)

function parseButtons(raw: unknown): NotifyButton[] {
  let list = raw
  if (typeof raw === 'string') {
    try {
      list = JSON.parse(raw)
    } catch {
      return []
    }
  }
  if (!Array.isArray(list)) return []
  return list
    .filter((b) => b && typeof b === 'object')
    .map((b: Record<string, unknown>) => ({ TITLE: String(b.TITLE ?? b.title ?? ''), VALUE: String(b.VALUE ?? b.value ?? ''), TYPE: String(b.TYPE ?? b.type ?? '') }))
}

function fromItem(n: NotifyItem): Notification {
  const params = n.params && !Array.isArray(n.params) ? n.params : {}
  return {
    id: Number(n.id),
    type: Number(n.notify_type),
    date: String(n.date),
    title: String(n.notify_title ?? ''),
    text: String(n.text ?? ''),
    authorId: Number(n.author_id ?? 0),
    read: n.notify_read === 'Y',
    buttons: parseButtons(n.notify_buttons),
    canAnswer: params.CAN_ANSWER === 'Y',
    params,
  }
}

const PAGE = 50
let cursor: { id: number; type: number } | null = null

/** The first page (again): what the panel shows when it opens. */
export async function loadNotifications(): Promise<void> {
  if (notifications.loading) return
  notifications.loading = true
  notifications.error = ''
  try {
    const page = await call<NotifyPage>('im.notify.get', { LIMIT: PAGE })
    notifications.items.clear()
    keepPage(page)
    notifications.loaded = true
  } catch (e) {
    notifications.error = errorText(e)
  } finally {
    notifications.loading = false
  }
}

export async function loadMoreNotifications(): Promise<void> {
  if (notifications.loading || !notifications.hasMore || !cursor) return
  notifications.loading = true
  try {
    keepPage(await call<NotifyPage>('im.notify.get', { LIMIT: PAGE, LAST_ID: cursor.id, LAST_TYPE: cursor.type }))
  } catch (e) {
    notifications.error = errorText(e)
  } finally {
    notifications.loading = false
  }
}

function keepPage(page: NotifyPage): void {
  rememberUsers(page.users ?? [])
  const list = page.notifications ?? []
  for (const n of list) notifications.items.set(Number(n.id), fromItem(n))
  if (typeof page.total_unread_count === 'number') notifications.counter = page.total_unread_count
  const last = list[list.length - 1]
  // LAST_TYPE: 1 while the page ended among the confirmations, 3 once among the others.
  cursor = last ? { id: Number(last.id), type: Number(last.notify_type) === NOTIFY_CONFIRM ? 1 : 3 } : null
  notifications.hasMore = list.length >= PAGE
}

/** The badge's number before the list is loaded (im.counters.get TYPE.NOTIFY). */
export async function loadNotifyCounter(): Promise<void> {
  try {
    const r = await call<{ TYPE?: { NOTIFY?: number } }>('im.counters.get')
    if (!notifications.loaded && typeof r?.TYPE?.NOTIFY === 'number') notifications.counter = r.TYPE.NOTIFY
  } catch {
    // The badge stays as it is; the panel shows the error when opened.
  }
}

function resultText(r: { result_message?: string[] | false } | null | undefined): string {
  return Array.isArray(r?.result_message) ? r!.result_message.join(' ') : ''
}

// --- Actions ------------------------------------------------------------------------------------

/** A confirm button: the server removes the notification and says what was chosen. */
export async function confirmNotification(id: number, value: string): Promise<string> {
  const r = await call<{ result_message?: string[] | false }>('im.notify.confirm', { NOTIFY_ID: id, NOTIFY_VALUE: value })
  notifications.items.delete(id)
  return resultText(r)
}

/** A quick answer: it goes to the author as a private message. */
export async function answerNotification(id: number, text: string): Promise<string> {
  const r = await call<{ result_message?: string[] | false }>('im.notify.answer', { NOTIFY_ID: id, ANSWER_TEXT: text })
  const said = resultText(r)
  const n = notifications.items.get(id)
  if (n) notifications.items.set(id, { ...n, result: said || 'Answer sent' })
  return said
}

export async function setNotificationRead(id: number, read: boolean): Promise<void> {
  await call('im.notify.read', { ID: id, ACTION: read ? 'Y' : 'N', ONLY_CURRENT: 'Y' })
}

export async function readAllNotifications(): Promise<void> {
  const r = await call<{ newCounter?: number }>('im.notify.read.all')
  for (const [id, n] of notifications.items) if (n.type !== NOTIFY_CONFIRM && !n.read) notifications.items.set(id, { ...n, read: true })
  if (typeof r?.newCounter === 'number') notifications.counter = r.newCounter
}

export async function deleteNotification(id: number): Promise<void> {
  await call('im.notify.delete', { ID: id })
  notifications.items.delete(id)
}

// --- Push ---------------------------------------------------------------------------------------

function setCounter(p: Record<string, any>): void {
  if (typeof p.counter === 'number') notifications.counter = p.counter
}

function onAdd(p: Record<string, any>): void {
  setCounter(p)
  rememberUsers(p.users)
  const params = p.params && !Array.isArray(p.params) ? p.params : {}
  const n: Notification = {
    id: Number(p.id),
    type: Number(p.type),
    date: String(p.date ?? new Date().toISOString()),
    title: String(p.title ?? ''),
    text: String(p.text ?? ''),
    authorId: Number(p.userId ?? 0),
    read: p.read === true || p.read === 'Y',
    buttons: parseButtons(p.buttons ?? p.notify_buttons),
    canAnswer: params.CAN_ANSWER === 'Y',
    params,
  }
  if (!notifications.loaded) return
  notifications.items.set(n.id, n)
  // The push command carries no buttons: a confirmation's come with the list.
  if (n.type === NOTIFY_CONFIRM && n.buttons.length === 0) loadNotifications()
}

function onRead(read: boolean) {
  return (p: Record<string, any>) => {
    setCounter(p)
    for (const raw of Array.isArray(p.list) ? p.list : Object.values(p.list ?? {})) {
      const id = Number(raw)
      const n = notifications.items.get(id)
      if (n) notifications.items.set(id, { ...n, read })
    }
  }
}

function ids(value: unknown): number[] {
  if (Array.isArray(value)) return value.map(Number)
  if (value && typeof value === 'object') return Object.values(value).map(Number)
  return value === undefined || value === null ? [] : [Number(value)]
}

let installed = false

export function installNotificationPush(): void {
  if (installed) return
  installed = true
  onIm('notifyAdd', onAdd)
  onIm('notifyRead', onRead(true))
  onIm('notifyUnread', onRead(false))
  onIm('notifyConfirm', (p) => {
    setCounter(p)
    for (const id of ids(p.id)) notifications.items.delete(id)
  })
  onIm('notifyDelete', (p) => {
    setCounter(p)
    for (const id of ids(p.id)) notifications.items.delete(id)
  })
}
