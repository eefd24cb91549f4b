// IM_CONTEXT_MENU placements for the message menu: the "Create from" items of spec 002. The
// message menu (message/) asks for the items of a dialog and calls `open` on the chosen one; the
// handler opens in a window with PLACEMENT_OPTIONS {dialogId, messageId, URI}.
import { placementsFor, openingFor } from './placements'
import { openWindow } from './layer'
import type { DialogId } from '../state/types'

export interface ContextMenuItem {
  /** The placement binding's id (stable: usable as a v-for key). */
  id: number
  /** The item's text, e.g. "Create task". */
  title: string
  /** Opens the app for `messageId` of the dialog the items were asked for. */
  open(messageId: number): void
}

/** The "Create from" items of a dialog's message menu ([] when there are none or on error). */
export async function contextMenuItems(dialogId: DialogId): Promise<ContextMenuItem[]> {
  const list = await placementsFor('IM_CONTEXT_MENU', dialogId).catch(() => [])
  return list.map((p) => ({
    id: p.id,
    title: p.title || p.app_name,
    open: (messageId: number) =>
      openWindow({ title: p.title || p.app_name, opening: openingFor(p, { dialogId, messageId }), kind: 'window' }),
  }))
}
