// What clicking something in a message does: keyboard buttons, context-menu items and the BB-code
// actions ([SEND], [PUT], mentions, chat links) all end here, so each kind behaves the same
// wherever it appears (spec 002 "Keyboards" / "Context menus"; reference messages/menu.md).
import { call } from '../api/rest'
import { router } from '../router'
import { insertIntoComposer } from '../state/composer'
import { patchMessage, sendMessage } from '../state/dialogs'
import { launchChatApp } from '../frames/launch'
import { safeHref } from './bbcode'
import type { RichButton } from './rich'
import type { DialogId, Message } from '../state/types'

export interface ActionContext {
  dialogId: DialogId
  messageId: number
}

/** What happened, for the user to see (e.g. "Copied"), or '' when the result shows by itself. */
export type ActionResult = string

/** Opens a dialog the way a Bitrix24 link does (`/online/?IM_DIALOG=…`), optionally at a message. */
export function openDialog(dialogId: string, messageId = 0): void {
  const query: Record<string, string> = { IM_DIALOG: dialogId }
  if (messageId > 0) query.IM_MESSAGE = String(messageId)
  router.push({ path: '/online/', query })
}

/** Opens a link: the messenger's own deep links in place, anything else in a new tab. */
export function openLink(raw: string): boolean {
  const href = safeHref(raw)
  if (!href) return false
  if (href.startsWith('/online')) {
    router.push(href)
    return true
  }
  window.open(href, '_blank', 'noopener,noreferrer')
  return true
}

export async function copyToClipboard(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text)
    return
  } catch {
    // Not a secure context, or no permission: the old way.
  }
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.style.position = 'fixed'
  area.style.opacity = '0'
  document.body.appendChild(area)
  area.select()
  const ok = document.execCommand('copy')
  area.remove()
  if (!ok) throw new Error('The browser refused to copy')
}

/** `tel:` for a phone number (digits, +, *, #). */
export function telHref(number: string): string {
  const n = number.replace(/[^\d+*#]/g, '')
  return n ? `tel:${n}` : ''
}

export async function sendText(dialogId: DialogId, text: string): Promise<void> {
  if (text.trim()) await sendMessage(dialogId, text)
}

export function putText(dialogId: DialogId, text: string): void {
  insertIntoComposer(dialogId, text)
}

/**
 * Runs a keyboard button or a menu item: LINK opens, COMMAND goes to its bot through
 * im.message.command (ONIMCOMMANDADD with COMMAND_CONTEXT KEYBOARD or MENU is the server's part),
 * APP_ID launches the chat app, ACTION PUT / SEND / COPY / CALL / DIALOG do what they say.
 */
export async function runButton(b: RichButton, ctx: ActionContext): Promise<ActionResult> {
  if (b.LINK) {
    if (!openLink(String(b.LINK))) throw new Error('This link is not allowed')
    return ''
  }
  if (b.APP_ID && Number(b.APP_ID) > 0) {
    launchChatApp(Number(b.APP_ID), ctx.dialogId, String(b.APP_PARAMS ?? ''), ctx.messageId)
    return ''
  }
  if (b.ACTION) {
    const value = String(b.ACTION_VALUE ?? '')
    switch (String(b.ACTION).toUpperCase()) {
      case 'PUT':
        putText(ctx.dialogId, value)
        return ''
      case 'SEND':
        await sendText(ctx.dialogId, value)
        return ''
      case 'COPY':
        await copyToClipboard(value)
        return 'Copied'
      case 'CALL': {
        const href = telHref(value)
        if (href) window.location.assign(href)
        return ''
      }
      case 'DIALOG':
        if (/^(chat\d+|\d+)$/.test(value)) openDialog(value)
        return ''
    }
    return ''
  }
  if (b.COMMAND) {
    await call('im.message.command', {
      BOT_ID: Number(b.BOT_ID),
      MESSAGE_ID: ctx.messageId,
      COMMAND: String(b.COMMAND),
      COMMAND_PARAMS: String(b.COMMAND_PARAMS ?? ''),
    })
    return ''
  }
  return ''
}

/** What a button does, said to screen readers and in its tooltip. */
export function describeButton(b: RichButton): string {
  if (b.LINK) return `Opens ${b.LINK}`
  if (b.APP_ID) return 'Opens an app'
  switch (String(b.ACTION ?? '').toUpperCase()) {
    case 'PUT':
      return `Puts “${b.ACTION_VALUE}” into the message box`
    case 'SEND':
      return `Sends “${b.ACTION_VALUE}”`
    case 'COPY':
      return 'Copies to the clipboard'
    case 'CALL':
      return `Calls ${b.ACTION_VALUE}`
    case 'DIALOG':
      return 'Opens the chat'
  }
  if (b.COMMAND) return `Sends the command /${b.COMMAND}${b.COMMAND_PARAMS ? ` ${b.COMMAND_PARAMS}` : ''} to the bot`
  return ''
}

/** Who liked a message (params.LIKE, kept live by the messageLike push). */
export function likesOf(message: Message): number[] {
  const raw = message.params?.LIKE
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw) : []
  return list.map(Number).filter((id) => id > 0)
}

/** Likes or unlikes a message (im.message.like) and shows it at once. */
export async function toggleLike(message: Message, dialogId: DialogId, me: number): Promise<void> {
  const current = likesOf(message)
  const on = !current.includes(me)
  await call('im.message.like', { MESSAGE_ID: message.id, ACTION: on ? 'plus' : 'minus' })
  patchMessage(dialogId, message.id, { params: { LIKE: on ? [...current, me] : current.filter((x) => x !== me) } })
}
