// Quick answers of open lines for the composer of a LINES chat: typing "/" there searches them
// (as Bitrix24's Open Channels composer does) and a choice puts the answer's text in the composer.
// They are the line's list (imhub.openlines.quick.list); a message becomes one through the
// message menu (imopenlines.message.quick.save).
import { call } from '../api/rest'

export interface QuickAnswer {
  id: number
  line_id: number
  text: string
  message_id: number
  author_id: number
  date_create: string
}

/** The search a composer's text asks for: what follows a leading "/" on one line; else null. */
export function typedQuickSearch(text: string): string | null {
  const m = /^\/([^\n]{0,80})$/.exec(text)
  return m ? m[1]!.trim() : null
}

/** A one-line preview of an answer for the list. */
export function answerPreview(text: string, max = 90): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

export async function searchQuickAnswers(chatId: number, search: string): Promise<QuickAnswer[]> {
  return (await call<QuickAnswer[]>('imhub.openlines.quick.list', { CHAT_ID: chatId, SEARCH: search, LIMIT: 20 })) ?? []
}

export async function saveQuickAnswer(chatId: number, messageId: number): Promise<void> {
  await call('imopenlines.message.quick.save', { CHAT_ID: chatId, MESSAGE_ID: messageId })
}
