// Launching a chat app (imbot.app.*) from a keyboard button or a context-menu item (APP_ID +
// APP_PARAMS). STUB written by the message renderer so its buttons have something to call; the
// frames helper replaces it with the real launch (im.app.launch, the IFRAME or JS_METHOD app).
import type { DialogId } from '../state/types'

export function launchChatApp(appId: number, dialogId: DialogId, params: string): void {
  console.info('launchChatApp (stub)', { appId, dialogId, params })
}
