// The recent list (im.recent.list), kept current by the push commands that change it: new
// messages move a dialog up with its counter, reads clear counters, pins/hides/renames apply at
// once. The server stays the authority: after a reconnect the list is loaded again.
import { computed, reactive, shallowReactive } from 'vue'
import { plainText } from '../message/bbcode'
import { call } from '../api/rest'
import { onIm } from '../api/pull'
import { rememberUsers } from './users'
import type { Chat, DialogId, RecentItem } from './types'

interface RecentPage {
  items: RecentItem[]
  hasMore?: boolean
  hasMorePages?: boolean
}

// Items are plain objects in a shallow map: each change replaces an item (push handlers spread it),
// so views react to the map and never need a deep proxy per item (creating and collecting those for
// 1,000 chats cost scroll frames).
export const recent = reactive({
  items: shallowReactive(new Map<DialogId, RecentItem>()),
  loaded: false,
  hasMore: false,
  loading: false,
  /** "typing…" per dialog: user id → until (ms). */
  typing: new Map<DialogId, Map<number, number>>(),
})

const PAGE = 200

export function byRecent(a: RecentItem, b: RecentItem): number {
  if (a.pinned !== b.pinned) return a.pinned ? -1 : 1
  // ATOM dates in one offset order as strings (a plain comparison: localeCompare's collation made
  // sorting 1,000 chats a dropped frame); within one second the later message (higher id) is newer.
  const da = a.message?.date ?? a.date_update ?? ''
  const db = b.message?.date ?? b.date_update ?? ''
  if (da !== db) return da < db ? 1 : -1
  return (b.message?.id ?? 0) - (a.message?.id ?? 0)
}

/** The list as shown: pinned first, then by last activity. */
export const recentSorted = computed(() => [...recent.items.values()].sort(byRecent))

export const totalUnread = computed(() => {
  let n = 0
  for (const item of recent.items.values()) n += item.counter || 0
  return n
})

function keep(items: RecentItem[]): void {
  // One new map, assigned once: a page of 200 set one by one re-sorted the list 200 times.
  const next = shallowReactive(new Map(recent.items))
  for (const item of items) next.set(String(item.id), item)
  recent.items = next
  rememberUsers(items.filter((i) => i.user).map((i) => i.user!))
}

export async function loadRecent(): Promise<void> {
  if (recent.loading) return
  recent.loading = true
  try {
    const page = await call<RecentPage>('im.recent.list', { LIMIT: PAGE })
    recent.items = shallowReactive(new Map())
    keep(page.items ?? [])
    recent.hasMore = Boolean(page.hasMore ?? page.hasMorePages)
    recent.loaded = true
  } finally {
    recent.loading = false
  }
}

export async function loadMoreRecent(): Promise<void> {
  if (recent.loading || !recent.hasMore) return
  recent.loading = true
  try {
    const offset = recent.items.size
    const page = await call<RecentPage>('im.recent.list', { LIMIT: PAGE, OFFSET: offset })
    keep(page.items ?? [])
    recent.hasMore = Boolean(page.hasMore ?? page.hasMorePages)
  } finally {
    recent.loading = false
  }
}

export function recentItem(dialogId: DialogId): RecentItem | undefined {
  return recent.items.get(dialogId)
}

// The cleaned text of an item's last message, kept per item object (items are replaced, never
// changed in place): BB-code parsing for every row entering the window was most of a scroll frame.
const cleaned = new WeakMap<RecentItem, string>()
export function lastMessageText(item: RecentItem): string {
  let text = cleaned.get(item)
  if (text === undefined) {
    text = plainText(item.message?.text ?? '')
    if (!text && item.message?.file) text = 'File'
    else if (!text && item.message?.attach) text = 'Attachment'
    cleaned.set(item, text)
  }
  return text
}

export function typingIn(dialogId: DialogId): number[] {
  const now = Date.now()
  return [...(recent.typing.get(dialogId)?.entries() ?? [])].filter(([, until]) => until > now).map(([id]) => id)
}

// --- Push ---------------------------------------------------------------------------------------

function onMessage(p: Record<string, any>): void {
  const dialogId = String(p.dialogId)
  const m = p.message ?? {}
  rememberUsers(p.users)
  const known = recent.items.get(dialogId)
  const chat = p.chat?.[p.chatId] ?? known?.chat
  const user = known?.user ?? (p.users && !dialogId.startsWith('chat') ? p.users[dialogId] : undefined)
  const item: RecentItem = {
    id: dialogId,
    chat_id: Number(p.chatId),
    type: dialogId.startsWith('chat') ? 'chat' : 'user',
    avatar: known?.avatar ?? { url: chat?.avatar ?? user?.avatar ?? '', color: chat?.color ?? user?.color ?? '' },
    title: known?.title ?? chat?.name ?? user?.name ?? dialogId,
    message: {
      id: Number(m.id),
      text: String(m.text ?? ''),
      file: Boolean(p.files && Object.keys(p.files).length),
      attach: Boolean(m.params?.ATTACH?.length),
      author_id: Number(m.senderId),
      date: String(m.date),
      status: 'delivered',
    },
    counter: typeof p.counter === 'number' ? p.counter : (known?.counter ?? 0),
    pinned: known?.pinned ?? false,
    unread: known?.unread ?? false,
    date_update: String(m.date),
    user,
    chat,
  }
  recent.items.set(dialogId, item)
  recent.typing.get(dialogId)?.delete(Number(m.senderId))
}

function patch(dialogId: DialogId, change: Partial<RecentItem>): void {
  const item = recent.items.get(dialogId)
  if (item) recent.items.set(dialogId, { ...item, ...change })
}

function onRead(p: Record<string, any>): void {
  patch(String(p.dialogId), { counter: Number(p.counter ?? 0), unread: Boolean(p.unread) })
}

function onTyping(p: Record<string, any>): void {
  const dialogId = String(p.dialogId)
  if (!recent.typing.has(dialogId)) recent.typing.set(dialogId, new Map())
  recent.typing.get(dialogId)!.set(Number(p.userId ?? p.senderId), Date.now() + 6000)
  // Let views drop the mark when it expires even if nothing else changes.
  setTimeout(() => recent.typing.set(dialogId, new Map(recent.typing.get(dialogId))), 6100)
}

function chatDialog(p: Record<string, any>): DialogId {
  return p.dialogId ? String(p.dialogId) : `chat${p.chatId}`
}

/**
 * chatUserAdd: a chat the user was added to, or one just created with them (the server announces
 * a new chat so, before anyone writes in it), shows in the list at once, as im.recent.list would
 * show it: first with what the push says, then with its picture and colour (im.dialog.get). A chat
 * already listed is left as it is: its system message ("… invited …") moves it.
 */
function onChatUserAdd(p: Record<string, any>, extra: Record<string, any>): void {
  const dialogId = chatDialog(p)
  if (recent.items.has(dialogId)) return
  recent.items.set(dialogId, {
    id: dialogId,
    chat_id: Number(p.chatId),
    type: 'chat',
    avatar: { url: '', color: '' },
    title: String(p.chatTitle ?? dialogId),
    message: { id: 0, text: '', file: false, attach: false, author_id: 0 },
    counter: 0,
    pinned: false,
    unread: false,
    date_update: String(extra?.server_time ?? new Date().toISOString()),
  })
  call<Chat & { date_create?: string }>('im.dialog.get', { DIALOG_ID: dialogId })
    .then((chat) => {
      const item = recent.items.get(dialogId)
      if (!item) return
      recent.items.set(dialogId, {
        ...item,
        avatar: { url: item.avatar.url || String(chat.avatar ?? ''), color: item.avatar.color || String(chat.color ?? '') },
        title: String(chat.name ?? item.title),
        chat: item.chat ?? chat,
        date_update: item.message.id ? item.date_update : String(chat.date_create ?? item.date_update),
      })
    })
    .catch(() => {}) // not readable (removed again meanwhile): the push said enough
}

export function installRecentPush(): void {
  onIm('message', onMessage)
  onIm('messageChat', onMessage)
  onIm('readMessage', onRead)
  onIm('readMessageChat', onRead)
  onIm('unreadMessage', onRead)
  onIm('unreadMessageChat', onRead)
  onIm('chatUnread', (p) => patch(String(p.dialogId), { unread: Boolean(p.active), counter: Number(p.counter ?? 0) }))
  onIm('startWriting', onTyping)
  onIm('chatPin', (p) => patch(String(p.dialogId), { pinned: Boolean(p.active) }))
  onIm('chatHide', (p) => recent.items.delete(String(p.dialogId)))
  onIm('chatRename', (p) => patch(chatDialog(p), { title: String(p.name) }))
  onIm('chatAvatar', (p) => {
    const item = recent.items.get(chatDialog(p))
    if (item) patch(chatDialog(p), { avatar: { ...item.avatar, url: String(p.avatar ?? '') } })
  })
  onIm('chatChangeColor', (p) => {
    const item = recent.items.get(chatDialog(p))
    if (item) patch(chatDialog(p), { avatar: { ...item.avatar, color: String(p.color ?? '') } })
  })
  onIm('chatMuteNotify', (p) => patch(chatDialog(p), { counter: Number(p.counter ?? 0) }))
  onIm('messageDeleteComplete', (p) => {
    const dialogId = String(p.dialogId)
    const last = p.newLastMessage
    const item = recent.items.get(dialogId)
    if (!item || item.message.id !== Number(p.id)) return
    patch(dialogId, {
      counter: Number(p.counter ?? item.counter),
      message: last && last.id ? { ...item.message, id: Number(last.id), text: String(last.text ?? '') } : { ...item.message, id: 0, text: '' },
    })
  })
  onIm('messageUpdate', (p) => {
    const item = recent.items.get(String(p.dialogId))
    if (item && item.message.id === Number(p.id)) patch(String(p.dialogId), { message: { ...item.message, text: String(p.text ?? '') } })
  })
  onIm('messageDelete', (p) => {
    const item = recent.items.get(String(p.dialogId))
    if (item && item.message.id === Number(p.id)) patch(String(p.dialogId), { message: { ...item.message, text: String(p.text ?? '') } })
  })
  onIm('chatUserAdd', onChatUserAdd)
  onIm('chatUserLeave', (p) => {
    // The user themselves left or was removed: the chat leaves their list.
    if (Number(p.userId) === ownUserId()) recent.items.delete(chatDialog(p))
  })
}

let ownId = 0
export function setOwnUserId(id: number): void {
  ownId = id
}
function ownUserId(): number {
  return ownId
}
