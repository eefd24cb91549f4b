// Every user the client has seen, by id: recent items, message pages and push commands carry
// them; a dialog header or a message author reads them from here.
import { reactive } from 'vue'
import { call } from '../api/rest'
import type { User } from './types'

export const users = reactive(new Map<number, User>())

export function rememberUsers(list: Iterable<User> | Record<string, User> | undefined | null): void {
  if (!list) return
  const values = Symbol.iterator in Object(list) ? (list as Iterable<User>) : Object.values(list)
  for (const u of values) if (u && u.id) users.set(Number(u.id), { ...users.get(Number(u.id)), ...u, id: Number(u.id) })
}

export function displayName(id: number): string {
  const u = users.get(id)
  if (!u) return `#${id}`
  return [u.name].filter(Boolean).join(' ') || `#${id}`
}

const inFlight = new Map<number, Promise<void>>()

/** Loads the users not yet known (im.user.list.get), once per id. */
export async function ensureUsers(ids: number[]): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => id > 0 && !users.has(id) && !inFlight.has(id))
  if (missing.length === 0) return
  const p = call<Record<string, User | null>>('im.user.list.get', { ID: missing }).then((r) => {
    rememberUsers(Object.values(r ?? {}).filter(Boolean) as User[])
  })
  for (const id of missing) inFlight.set(id, p)
  try {
    await p
  } finally {
    for (const id of missing) inFlight.delete(id)
  }
}
