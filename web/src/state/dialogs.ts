// Open dialogs: a window of each one's history (im.dialog.messages.get, paged both ways), the
// chat's data (im.dialog.get), read marks of the others, and the push commands that change them.
// Sending goes through im.message.add; the message shows at once as pending and is replaced by
// the server's copy when its `message` command or the call's answer arrives, whichever is first.
import { reactive } from 'vue'
import { call } from '../api/rest'
import { onIm } from '../api/pull'
import { rememberUsers } from './users'
import type { Chat, DialogId, FileInfo, Message } from './types'

export interface DialogState {
  dialogId: DialogId
  chatId: number
  chat: Chat | null
  messages: Message[]
  files: Map<number, FileInfo>
  /** Older / newer messages exist on the server beyond the window. */
  hasBefore: boolean
  hasAfter: boolean
  loading: boolean
  /** The last message id each other member has read (readMessage*Opponent). */
  readBy: Map<number, number>
  /** Own last read message id when the dialog was opened: where "new messages" starts. */
  firstUnreadId: number
  error: string
}

interface MessagesPage {
  messages: Message[]
  users?: Record<string, unknown> | unknown[]
  files?: FileInfo[] | Record<string, FileInfo>
  chat_id: number
}

export const PAGE_SIZE = 50

export const dialogs = reactive(new Map<DialogId, DialogState>())

function blank(dialogId: DialogId): DialogState {
  return {
    dialogId,
    chatId: 0,
    chat: null,
    messages: [],
    files: new Map(),
    hasBefore: true,
    hasAfter: false,
    loading: false,
    readBy: new Map(),
    firstUnreadId: 0,
    error: '',
  }
}

export function dialog(dialogId: DialogId): DialogState {
  if (!dialogs.has(dialogId)) dialogs.set(dialogId, blank(dialogId))
  return dialogs.get(dialogId)!
}

function keepFiles(d: DialogState, files: MessagesPage['files']): void {
  if (!files) return
  for (const f of Array.isArray(files) ? files : Object.values(files)) d.files.set(Number(f.id), f)
}

/** Puts messages into the window, in id order, without duplicates (a page may overlap a push). */
function merge(d: DialogState, list: Message[]): void {
  const byId = new Map(d.messages.map((m) => [m.id, m]))
  for (const m of list) byId.set(Number(m.id), { ...m, id: Number(m.id) })
  d.messages = [...byId.values()].sort((a, b) => a.id - b.id)
}

async function page(dialogId: DialogId, params: Record<string, unknown>): Promise<MessagesPage> {
  const r = await call<MessagesPage>('im.dialog.messages.get', { DIALOG_ID: dialogId, LIMIT: PAGE_SIZE, ...params })
  rememberUsers(r.users as never)
  return r
}

/**
 * Opens a dialog where its reader left off: at the end, or — when more unread messages wait than
 * one page holds — at the first unread one (im.dialog.get's `last_id` is the reader's last read
 * message).
 */
export async function openDialog(dialogId: DialogId): Promise<DialogState> {
  const d = dialog(dialogId)
  d.loading = true
  d.error = ''
  try {
    // The chat and its last page in parallel; a second request only when more unread messages
    // wait than the last page shows.
    const [info, last] = await Promise.all([
      call<Chat & { id: number; last_id?: number; counter?: number }>('im.dialog.get', { DIALOG_ID: dialogId }).catch(
        () => null,
      ),
      page(dialogId, {}),
    ])
    const lastRead = Number(info?.last_id ?? 0)
    const fromUnread = Number(info?.counter ?? 0) > PAGE_SIZE && lastRead > 0
    const first = fromUnread ? await page(dialogId, { FIRST_ID: lastRead }) : last
    if (info) {
      d.chat = info
      d.chatId = Number(info.id)
    }
    d.chatId = d.chatId || Number(first.chat_id)
    d.messages = []
    merge(d, first.messages)
    keepFiles(d, first.files)
    d.hasBefore = fromUnread || first.messages.length >= PAGE_SIZE
    d.hasAfter = fromUnread && first.messages.length >= PAGE_SIZE
    const unread = d.messages.find((m) => m.id > lastRead && m.author_id !== ownId && m.author_id !== 0)
    d.firstUnreadId = info && unread && Number(info.counter ?? 0) > 0 ? unread.id : 0
  } catch (e) {
    d.error = e instanceof Error ? e.message : String(e)
  } finally {
    d.loading = false
  }
  return d
}

export async function loadBefore(dialogId: DialogId): Promise<void> {
  const d = dialog(dialogId)
  if (d.loading || !d.hasBefore || d.messages.length === 0) return
  d.loading = true
  try {
    const r = await page(dialogId, { LAST_ID: d.messages[0].id })
    merge(d, r.messages)
    keepFiles(d, r.files)
    d.hasBefore = r.messages.length >= PAGE_SIZE
  } finally {
    d.loading = false
  }
}

export async function loadAfter(dialogId: DialogId): Promise<void> {
  const d = dialog(dialogId)
  if (d.loading || !d.hasAfter || d.messages.length === 0) return
  d.loading = true
  try {
    const r = await page(dialogId, { FIRST_ID: d.messages[d.messages.length - 1].id })
    merge(d, r.messages)
    keepFiles(d, r.files)
    d.hasAfter = r.messages.length >= PAGE_SIZE
  } finally {
    d.loading = false
  }
}

let tempId = -1

export async function sendMessage(dialogId: DialogId, text: string, extra: Record<string, unknown> = {}): Promise<number> {
  const d = dialog(dialogId)
  const pending: Message = {
    id: tempId--,
    chat_id: d.chatId,
    author_id: ownId,
    date: new Date().toISOString(),
    text,
    params: null,
    pending: true,
  }
  // A pending message sorts after every real one (ids are negative, so it is kept apart).
  d.messages = [...d.messages, pending]
  try {
    const id = await call<number>('im.message.add', { DIALOG_ID: dialogId, MESSAGE: text, ...extra })
    d.messages = d.messages.filter((m) => m !== pending && m.id !== pending.id)
    if (!d.messages.some((m) => m.id === id)) merge(d, [{ ...pending, id, pending: false }])
    return id
  } catch (e) {
    d.messages = d.messages.filter((m) => m.id !== pending.id)
    throw e
  }
}

export async function markRead(dialogId: DialogId): Promise<void> {
  const d = dialogs.get(dialogId)
  if (!d || d.messages.length === 0) return
  const last = [...d.messages].reverse().find((m) => m.id > 0)
  if (last) await call('im.dialog.read', { DIALOG_ID: dialogId, MESSAGE_ID: last.id }).catch(() => undefined)
}

// --- Push ---------------------------------------------------------------------------------------

let ownId = 0
export function setDialogsUserId(id: number): void {
  ownId = id
}

function withDialog(dialogId: unknown, fn: (d: DialogState) => void): void {
  const d = dialogs.get(String(dialogId))
  if (d) fn(d)
}

function onMessage(p: Record<string, any>): void {
  rememberUsers(p.users)
  withDialog(p.dialogId, (d) => {
    if (d.hasAfter) return // the window does not reach the end: the message is fetched when scrolled to
    const m = p.message ?? {}
    keepFiles(d, p.files) // the message's files, their links signed for this user
    const message: Message = {
      id: Number(m.id),
      chat_id: Number(m.chatId ?? p.chatId),
      author_id: Number(m.senderId),
      date: String(m.date),
      text: String(m.text ?? ''),
      params: m.params && !Array.isArray(m.params) ? m.params : null,
      unread: Number(m.senderId) !== ownId,
    }
    // Our own message sent from this tab is already there as pending: drop the pending copy.
    if (message.author_id === ownId) {
      const i = d.messages.findIndex((x) => x.pending && x.text === message.text)
      if (i >= 0) d.messages.splice(i, 1)
    }
    merge(d, [message])
  })
}

function onUpdate(p: Record<string, any>): void {
  withDialog(p.dialogId, (d) => {
    const i = d.messages.findIndex((m) => m.id === Number(p.id))
    if (i < 0) return
    d.messages[i] = { ...d.messages[i], text: String(p.text ?? ''), params: { ...(d.messages[i].params ?? {}), ...(p.params ?? {}) } }
  })
}

// messageParamsUpdate carries the message's whole params (protocol-push.md §9.2): they replace
// the old ones, so a keyboard or attachment the bot removed goes away.
function onParams(p: Record<string, any>): void {
  for (const d of dialogs.values()) {
    if (d.chatId !== Number(p.chatId)) continue
    const i = d.messages.findIndex((m) => m.id === Number(p.id))
    if (i >= 0) d.messages[i] = { ...d.messages[i], params: p.params && !Array.isArray(p.params) ? { ...p.params } : null }
  }
}

/**
 * Fetches what the open dialogs missed while push was not connected (the first page was read
 * before the connection came up, or the connection dropped): the messages after the newest one
 * in each window, until the window reaches the end again.
 */
export async function catchUpDialogs(): Promise<void> {
  for (const d of dialogs.values()) {
    if (d.hasAfter || d.messages.length === 0) continue
    const newest = [...d.messages].reverse().find((m) => m.id > 0)
    if (!newest) continue
    for (let from = newest.id; ; ) {
      const r = await page(d.dialogId, { FIRST_ID: from }).catch(() => null)
      if (!r || r.messages.length === 0) break
      merge(d, r.messages)
      keepFiles(d, r.files)
      from = Math.max(...r.messages.map((m) => Number(m.id)))
      if (r.messages.length < PAGE_SIZE) break
    }
  }
}

export function installDialogPush(): void {
  onIm('message', onMessage)
  onIm('messageChat', onMessage)
  onIm('messageUpdate', onUpdate)
  onIm('messageDelete', onUpdate)
  onIm('messageParamsUpdate', onParams)
  onIm('messageDeleteComplete', (p) =>
    withDialog(p.dialogId, (d) => (d.messages = d.messages.filter((m) => m.id !== Number(p.id)))),
  )
  onIm('messageLike', (p) =>
    withDialog(p.dialogId, (d) => {
      const i = d.messages.findIndex((m) => m.id === Number(p.id))
      if (i >= 0) d.messages[i] = { ...d.messages[i], params: { ...(d.messages[i].params ?? {}), LIKE: p.users ?? [] } }
    }),
  )
  const onOpponentRead = (p: Record<string, any>) =>
    withDialog(p.dialogId, (d) => d.readBy.set(Number(p.userId), Number(p.lastId)))
  onIm('readMessageOpponent', onOpponentRead)
  onIm('readMessageChatOpponent', onOpponentRead)
  onIm('chatRename', (p) => withDialog(`chat${p.chatId}`, (d) => d.chat && (d.chat = { ...d.chat, name: p.name, title: p.name })))
}

// --- Changes a message's own actions make (added for message/: edit, like) ----------------------

/**
 * Applies a change to a message the client made itself (an edit, a like) at once; the push
 * command that follows carries the same change and is applied the same way.
 */
export function patchMessage(dialogId: DialogId, id: number, patch: { text?: string; params?: Record<string, any> }): void {
  withDialog(dialogId, (d) => {
    const i = d.messages.findIndex((m) => m.id === id)
    if (i < 0) return
    const m = d.messages[i]
    d.messages[i] = {
      ...m,
      text: patch.text ?? m.text,
      params: patch.params ? { ...(m.params ?? {}), ...patch.params } : m.params,
    }
  })
}
