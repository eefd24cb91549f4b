// The IM_* placements of the new chat design (spec 002 "Application for New Chat Design") the
// signed-in user sees: imhub.messenger.placement.list, per dialog for the chat-context ones (their `context`
// option is matched on the server), without one for IM_NAVIGATION. Each opens its handler with
// PLACEMENT_OPTIONS carrying the chat context (protocol-frame.md §8).
import { call } from '../api/rest'
import type { DialogId } from '../state/types'
import type { Placement, PlacementOpening } from './layer'

export type PlacementCode = 'IM_NAVIGATION' | 'IM_TEXTAREA' | 'IM_SIDEBAR' | 'IM_CONTEXT_MENU' | 'IM_SMILES_SELECTOR'

const cache = new Map<string, Promise<Placement[]>>()

function cached(key: string, load: () => Promise<Placement[]>): Promise<Placement[]> {
  let p = cache.get(key)
  if (!p) {
    p = load().catch((e) => {
      cache.delete(key)
      throw e
    })
    cache.set(key, p)
  }
  return p
}

/** The placements shown in `dialogId` (IM_NAVIGATION ones too), in binding order. */
export function placementsOf(dialogId: DialogId): Promise<Placement[]> {
  return cached(`dialog:${dialogId}`, () => call<Placement[]>('imhub.messenger.placement.list', { DIALOG_ID: dialogId, LANG: 'en' }))
}

/** One kind of placement of a dialog; with no dialog, every binding of that kind. */
export async function placementsFor(code: PlacementCode, dialogId?: DialogId): Promise<Placement[]> {
  const all = dialogId
    ? await placementsOf(dialogId)
    : await cached(`all:${code}`, () => call<Placement[]>('imhub.messenger.placement.list', { PLACEMENT: code, LANG: 'en' }))
  return all.filter((p) => p.placement === code)
}

export function forgetPlacements(): void {
  cache.clear()
}

/** The URI key Bitrix24 adds to PLACEMENT_OPTIONS: the messenger page's path and query. */
function uri(): string {
  return window.location.pathname + window.location.search
}

/** What a placement is opened with: its code and the context options of §8. */
export function openingFor(placement: Placement, context: { dialogId?: DialogId; messageId?: number } = {}): PlacementOpening {
  const options: Record<string, unknown> = {}
  if (placement.placement !== 'IM_NAVIGATION' && context.dialogId) options.dialogId = context.dialogId
  if (placement.placement === 'IM_CONTEXT_MENU' && context.messageId) options.messageId = context.messageId
  if (placement.placement !== 'IM_SMILES_SELECTOR') options.URI = uri()
  return { placement, code: placement.placement, options, dialogId: context.dialogId }
}

/** IM palette colours of the `color` option, as CSS colours for the icon badge. */
const PALETTE: Record<string, string> = {
  RED: '#ff5752', GREEN: '#6cc30a', MINT: '#29c6a0', LIGHT_BLUE: '#2fc6f6', DARK_BLUE: '#2066b0',
  PURPLE: '#a77bde', AQUA: '#1ec6fa', PINK: '#f791b6', LIME: '#9dcf00', BROWN: '#af7e00', AZURE: '#0092ff',
  KHAKI: '#c2b16b', SAND: '#f2c84d', ORANGE: '#ff8a00', MARENGO: '#6b7b8a', GRAY: '#a8adb4', GRAPHITE: '#525c69',
}

export function badgeColor(placement: Placement): string {
  return PALETTE[String(placement.options.color ?? '').toUpperCase()] ?? 'var(--ui-color-accent-main-primary)'
}

/** One or two letters standing for the app where Bitrix24 shows a Font Awesome icon (iconName). */
export function badgeText(title: string): string {
  const words = title.trim().split(/\s+/).filter(Boolean)
  return ((words[0]?.[0] ?? '?') + (words[1]?.[0] ?? '')).toUpperCase()
}
