// What other parts put into the composer: drafts per dialog, and text an app, a placement or a
// keyboard button (ACTION PUT) inserts.
import { reactive } from 'vue'
import type { DialogId } from './types'

export const composer = reactive({
  drafts: new Map<DialogId, string>(),
  inserted: null as { dialogId: DialogId; text: string; at: number } | null,
})

export function insertIntoComposer(dialogId: DialogId, text: string): void {
  composer.inserted = { dialogId, text, at: Date.now() }
}
