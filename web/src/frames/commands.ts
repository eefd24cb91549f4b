// Slash-command hints (spec 002 "Commands"): the commands of the bots in a dialog plus the
// COMMON ones (imhub.messenger.command.list, the rule the server uses to deliver ONIMCOMMANDADD), filtered by
// what is typed after "/".
import { call } from '../api/rest'
import type { DialogId } from '../state/types'

export interface BotCommand {
  id: number
  bot_id: number
  command: string
  title: string
  params: string
  common: boolean
}

const lists = new Map<DialogId, Promise<BotCommand[]>>()

export function commandsOf(dialogId: DialogId): Promise<BotCommand[]> {
  let p = lists.get(dialogId)
  if (!p) {
    p = call<BotCommand[]>('imhub.messenger.command.list', { DIALOG_ID: dialogId, LANG: 'en' }).catch((e) => {
      lists.delete(dialogId)
      throw e
    })
    lists.set(dialogId, p)
  }
  return p
}

export function forgetCommands(): void {
  lists.clear()
}

/** The word being typed when the text is a command in the making ("/ec" → "ec"), else null. */
export function typedCommand(text: string): string | null {
  const m = /^\/([^\s/]*)$/.exec(text)
  return m ? m[1]! : null
}

/** Commands starting with `prefix` (any case), each name once, in list order. */
export function matchCommands(list: BotCommand[], prefix: string): BotCommand[] {
  const p = prefix.toLowerCase()
  const seen = new Set<string>()
  return list.filter((c) => {
    if (!c.command.toLowerCase().startsWith(p) || seen.has(c.command)) return false
    seen.add(c.command)
    return true
  })
}
