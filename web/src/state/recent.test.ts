import { describe, expect, it } from 'vitest'
import { byRecent } from './recent'
import type { RecentItem } from './types'

function item(id: string, messageId: number, date: string, pinned = false): RecentItem {
  return { id, pinned, date_update: date, message: { id: messageId, date } } as unknown as RecentItem
}

describe('the recent list order', () => {
  it('puts pinned dialogs first, then the latest message first', () => {
    const list = [
      item('1', 10, '2026-12-05T10:00:00+00:00'),
      item('chat2', 20, '2026-12-05T11:00:00+00:00'),
      item('3', 5, '2026-12-05T09:00:00+00:00', true),
    ]
    expect(list.sort(byRecent).map((i) => i.id)).toEqual(['3', 'chat2', '1'])
  })

  it('orders messages of the same second by their ids', () => {
    const list = [item('1', 41, '2026-12-05T10:00:00+00:00'), item('chat7', 42, '2026-12-05T10:00:00+00:00')]
    expect(list.sort(byRecent).map((i) => i.id)).toEqual(['chat7', '1'])
  })
})
