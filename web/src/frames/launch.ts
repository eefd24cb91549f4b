// Chat apps (imbot.app.*, spec 002 "Application for Chat"): the icons of a dialog's message panel
// (imhub.messenger.app.list) and what a click does. imhub.messenger.app.launch decides: a JS
// command runs here (PUT puts its text into the composer, SEND sends it), an IFRAME app opens with
// the launch parameters the server signed (DOMAIN_HASH, USER_HASH…), so the app's HASH never
// reaches the browser.
import { call } from '../api/rest'
import { insertIntoComposer } from '../state/composer'
import { sendMessage } from '../state/dialogs'
import { layer, nextKey, notify } from './layer'
import type { DialogId } from '../state/types'

/** A chat app as imhub.messenger.app.list gives it. */
export interface ChatApp {
  id: number
  code: string
  bot_id: number
  type: 'js' | 'iframe'
  title: string
  description: string
  copyright: string
  icon: string
  context: string
  js_method?: string
  js_param?: string
  width?: number
  height?: number
  popup?: boolean
}

interface Launch {
  type: 'js' | 'iframe'
  js_method?: string
  js_param?: string
  url?: string
  width?: number
  height?: number
  popup?: boolean
}

const lists = new Map<DialogId, Promise<ChatApp[]>>()

/** The chat apps shown in a dialog's message panel (cached per dialog for the session). */
export function chatAppsOf(dialogId: DialogId): Promise<ChatApp[]> {
  let p = lists.get(dialogId)
  if (!p) {
    p = call<ChatApp[]>('imhub.messenger.app.list', { DIALOG_ID: dialogId }).catch((e) => {
      lists.delete(dialogId)
      throw e
    })
    lists.set(dialogId, p)
  }
  return p
}

/** Forgets the cached lists (an app was registered or removed). */
export function forgetChatApps(): void {
  lists.clear()
}

/** The message a keyboard button or menu item belongs to, when `params` names it: {messageId}. */
function messageIdOf(params: unknown): number {
  if (typeof params === 'number') return params > 0 ? params : 0
  if (params && typeof params === 'object') {
    const p = params as Record<string, unknown>
    return Number(p.messageId ?? p.MESSAGE_ID ?? 0) || 0
  }
  return 0 // a string is the button's APP_PARAMS: the server reads those from the message itself
}

/** Runs a JS command of a chat app (spec 002 JS_METHOD) in `dialogId`. */
export async function runJsCommand(dialogId: DialogId, method: string, param: string): Promise<void> {
  switch (method) {
    case 'PUT':
      insertIntoComposer(dialogId, param)
      return
    case 'SEND':
      await sendMessage(dialogId, param)
      return
    case 'CALL':
      notify('Calls are not supported by imhub')
      return
    default:
      notify('Open-line support dialogs are not available in imhub')
  }
}

/**
 * Opens chat app `appId` in `dialogId`. From a message's KEYBOARD button or MENU item with
 * APP_ID, pass the message's id (`messageId`, or `params` = {messageId}): the app opens in
 * context mode and the server adds that button's APP_PARAMS as BUTTON_PARAMS (a string `params`,
 * the button's APP_PARAMS, is accepted and not needed). Failures show as a notice.
 */
export function launchChatApp(appId: number | string, dialogId: string, params?: unknown, messageId?: number): void {
  const id = messageId && messageId > 0 ? messageId : messageIdOf(params)
  openChatApp(Number(appId), dialogId, id).catch((e) => notify(e instanceof Error ? e.message : String(e)))
}

export async function openChatApp(appId: number, dialogId: DialogId, messageId = 0): Promise<void> {
  const args: Record<string, unknown> = {
    APP_ID: appId,
    DIALOG_ID: dialogId,
    LANG: 'en',
    IS_CHROME: /Chrome\//.test(navigator.userAgent) ? 'Y' : 'N',
  }
  if (messageId > 0) args.MESSAGE_ID = messageId
  const r = await call<Launch>('imhub.messenger.app.launch', args)
  if (r.type === 'js') {
    await runJsCommand(dialogId, r.js_method ?? '', r.js_param ?? '')
    return
  }
  const known = (await chatAppsOf(dialogId).catch(() => [])).find((a) => a.id === appId)
  layer.chatApp = {
    appId,
    dialogId,
    url: r.url ?? '',
    width: Number(r.width) || 320,
    height: Number(r.height) || 250,
    popup: r.popup === true,
    title: known?.title || 'Chat app',
    messageId: messageId || undefined,
    key: nextKey(),
  }
}
