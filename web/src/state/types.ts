// The shapes the client keeps, as the REST methods and push commands give them (snake_case keys
// of im.recent.list / im.dialog.messages.get; protocol-push.md §9 for the commands).

/** `2` for a private dialog with user 2, `chat5` for chat 5 (the platform's DIALOG_ID). */
export type DialogId = string

export interface User {
  id: number
  name: string
  first_name?: string
  last_name?: string
  work_position?: string
  color?: string
  avatar?: string
  status?: string
  idle?: boolean | string
  last_activity_date?: string | false
  bot?: boolean
  bot_data?: { code?: string; type?: string } | null
  email?: string
  departments?: number[]
  [key: string]: unknown
}

export interface Chat {
  id: number
  name?: string
  title?: string
  owner?: number
  color?: string
  avatar?: string
  type?: string
  description?: string
  manager_list?: number[]
  mute_list?: Record<string, boolean> | number[]
  [key: string]: unknown
}

export interface FileInfo {
  id: number
  chatId?: number
  name: string
  size: number
  type: string
  extension?: string
  image?: boolean | { width: number; height: number }
  urlPreview?: string
  urlShow?: string
  urlDownload?: string
  [key: string]: unknown
}

export interface Message {
  id: number
  chat_id: number
  author_id: number
  date: string
  text: string
  params: Record<string, any> | null
  unread?: boolean
  uuid?: string | null
  /** Filled by the client for a message it sent and the server has not yet confirmed. */
  pending?: boolean
}

export interface RecentItem {
  id: DialogId | number
  chat_id: number
  type: 'user' | 'chat' | 'notification' | string
  avatar: { url: string; color: string }
  title: string
  message: {
    id: number
    text: string
    file: boolean | Record<string, unknown>
    attach: boolean
    author_id: number
    /** Absent while the chat has no message. */
    date?: string
    status?: string
  }
  counter: number
  pinned: boolean
  unread: boolean
  date_update: string
  user?: User
  chat?: Chat
  options?: unknown
}

export function dialogIdOf(item: { id: DialogId | number; type: string }): DialogId {
  return String(item.id)
}

export function isChatDialog(dialogId: DialogId): boolean {
  return dialogId.startsWith('chat')
}
