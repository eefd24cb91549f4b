// Search for the header's search panel and the user pickers: users, chats and departments by a
// phrase (im.search.user.list / im.search.chat.list / im.search.department.list), the people of a
// department (im.department.employees.get), and the recent searches (im.search.last.*). The server
// decides what is too short or not visible; its errors are shown as they come.
import { call, RestError } from '../api/rest'
import { rememberUsers } from '../state/users'
import type { Chat, User } from '../state/types'

export interface Department {
  id: number
  name: string
  full_name?: string
  manager_user_id?: number
}

export interface LastSearch {
  id: string | number
  type: 'user' | 'chat' | string
  title: string
  avatar?: { url?: string; color?: string }
  user?: User
  chat?: Chat
}

function values<T>(r: unknown): T[] {
  if (!r) return []
  return (Array.isArray(r) ? r : Object.values(r as Record<string, T>)) as T[]
}

export async function searchUsers(find: string, limit = 20): Promise<User[]> {
  const list = values<User>(await call('im.search.user.list', { FIND: find, LIMIT: limit }))
  rememberUsers(list)
  return list
}

export async function searchChats(find: string, limit = 20): Promise<Chat[]> {
  return values<Chat>(await call('im.search.chat.list', { FIND: find, LIMIT: limit }))
}

export async function searchDepartments(find: string, limit = 20): Promise<Department[]> {
  return values<Department>(await call('im.search.department.list', { FIND: find, LIMIT: limit }))
}

export async function departmentEmployees(id: number): Promise<User[]> {
  const r = await call<Record<string, User[]>>('im.department.employees.get', { ID: [id], USER_DATA: 'Y' })
  const list = values<User>(r?.[String(id)])
  rememberUsers(list)
  return list
}

export async function lastSearches(): Promise<LastSearch[]> {
  const list = values<LastSearch>(await call('im.search.last.get', {}))
  rememberUsers(list.map((i) => i.user).filter(Boolean) as User[])
  return list
}

export function rememberSearch(dialogId: string): void {
  call('im.search.last.add', { DIALOG_ID: dialogId }).catch(() => undefined)
}

/** The server's error as it came: its description, with its code. */
export function errorText(e: unknown): string {
  if (e instanceof RestError) return e.description ? `${e.description} (${e.code})` : e.code
  return e instanceof Error ? e.message : String(e)
}
