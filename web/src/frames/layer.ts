// What app frames open over the messenger, kept in one reactive place that FrameLayer.vue (mounted
// once by MessengerPage) and ComposerApps.vue draw: the chat app open in a dialog, app windows
// (openApplication, navigation, context-menu and sidebar placements), pickers a frame awaits
// (selectUser, selectAccess) and short notices ("calls are not supported").
import { reactive } from 'vue'
import type { DialogId } from '../state/types'

/** A placement binding as imhub.messenger.placement.list gives it. */
export interface Placement {
  id: number
  app_id: number
  app_name: string
  placement: string
  handler: string
  title: string
  description: string
  options: Record<string, unknown>
}

/** A frame to open with the frame protocol: a placement's handler with its context. */
export interface PlacementOpening {
  placement: Placement
  /** The code the frame is told (the binding's, or DEFAULT for openApplication). */
  code: string
  options: Record<string, unknown>
  dialogId?: DialogId
}

/** An IFRAME chat app (imbot.app) opened by imhub.messenger.app.launch. */
export interface ChatAppOpening {
  appId: number
  dialogId: DialogId
  url: string
  width: number
  height: number
  popup: boolean
  title: string
  /** Context mode: opened from a message's button or menu item. */
  messageId?: number
  key: number
}

export interface AppWindow {
  key: number
  title: string
  opening: PlacementOpening
  /** Where it shows: a full-height slider (sidebar, openApplication), a centred window. */
  kind: 'slider' | 'window'
  /** Resolved when the window closes (openApplication answers its frame then). */
  onClose?: () => void
}

export interface UserChoice {
  id: number
  name: string
  photo: string
  position: string
  url: string
  sub: boolean
  sup: boolean
}

export interface PickerRequest {
  key: number
  kind: 'user' | 'access'
  multiple: boolean
  resolve: (users: UserChoice[]) => void
}

let seq = 0
export const nextKey = (): number => ++seq

export const layer = reactive({
  chatApp: null as ChatAppOpening | null,
  windows: [] as AppWindow[],
  picker: null as PickerRequest | null,
  notice: '' as string,
})

let noticeTimer: ReturnType<typeof setTimeout> | undefined
export function notify(text: string): void {
  layer.notice = text
  clearTimeout(noticeTimer)
  noticeTimer = setTimeout(() => (layer.notice = ''), 4000)
}

export function openWindow(w: Omit<AppWindow, 'key'>): AppWindow {
  const win = { ...w, key: nextKey() }
  layer.windows.push(win)
  return win
}

export function closeWindow(key: number): void {
  const i = layer.windows.findIndex((w) => w.key === key)
  if (i < 0) return
  const [w] = layer.windows.splice(i, 1)
  w?.onClose?.()
}

export function closeChatApp(): void {
  layer.chatApp = null
}

/** Asks the user to pick people; resolves with the choice ([] when cancelled). */
export function pickUsers(kind: 'user' | 'access', multiple: boolean): Promise<UserChoice[]> {
  layer.picker?.resolve([])
  return new Promise((resolve) => {
    layer.picker = {
      key: nextKey(),
      kind,
      multiple,
      resolve: (users) => {
        layer.picker = null
        resolve(users)
      },
    }
  })
}
