// What other parts put into the composer: drafts per dialog, and text an app, a placement or a
// keyboard button (ACTION PUT) inserts. The open composer keeps its dialog's draft current, so
// apps can read the text being typed (im:getImTextareaContent).
import { reactive } from 'vue'
import type { DialogId } from './types'

export interface InsertOptions {
  /** Replace what is typed instead of adding to it. */
  replace?: boolean
  /** Add on a new line (else after a space). */
  newLine?: boolean
}

export const composer = reactive({
  drafts: new Map<DialogId, string>(),
  inserted: null as ({ dialogId: DialogId; text: string; at: number } & InsertOptions) | null,
})

export function insertIntoComposer(dialogId: DialogId, text: string, options: InsertOptions = {}): void {
  composer.inserted = { dialogId, text, at: Date.now(), ...options }
}

/** The text typed in a dialog's composer (its draft when the dialog is not open). */
export function composerText(dialogId: DialogId): string {
  return composer.drafts.get(dialogId) ?? ''
}

/** `current` with `ins` inserted as insertIntoComposer asked. */
export function applyInsert(current: string, ins: { text: string } & InsertOptions): string {
  if (ins.replace || !current) return ins.text
  return current + (ins.newLine ? '\n' : current.endsWith(' ') || current.endsWith('\n') ? '' : ' ') + ins.text
}
