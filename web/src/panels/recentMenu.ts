// The recent list's context menu: open, pin or unpin (im.recent.pin), mark as read (im.recent.unread
// ACTION=N for a dialog marked unread, else im.dialog.read) or as unread (im.recent.unread), hide
// (im.recent.hide). The list changes through the push commands the server answers with (chatPin,
// chatUnread, readMessage*, chatHide); a refusal is shown as the server words it.
import { call } from '../api/rest'
import { errorText } from './search'
import type { RecentItem } from '../state/types'

export interface RecentMenuHooks {
  open: (dialogId: string) => void
  failed: (message: string) => void
}

export function recentMenuItems(item: RecentItem, hooks: RecentMenuHooks) {
  const dialogId = String(item.id)
  const run = (method: string, params: Record<string, unknown>) => () => {
    call(method, { DIALOG_ID: dialogId, ...params }).catch((e) => hooks.failed(errorText(e)))
  }
  const unread = item.unread || item.counter > 0
  return [
    [{ label: 'Open', onSelect: () => hooks.open(dialogId) }],
    [
      item.pinned
        ? { label: 'Unpin', onSelect: run('im.recent.pin', { PIN: 'N' }) }
        : { label: 'Pin to the top', onSelect: run('im.recent.pin', { PIN: 'Y' }) },
      unread
        ? {
            label: 'Mark as read',
           
            onSelect: item.unread ? run('im.recent.unread', { ACTION: 'N' }) : run('im.dialog.read', {}),
          }
        : { label: 'Mark as unread', onSelect: run('im.recent.unread', { ACTION: 'Y' }) },
      { label: 'Hide from the list', onSelect: run('im.recent.hide', {}) },
    ],
  ]
}
