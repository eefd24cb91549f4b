// Heavy parts of a message loaded on first use, once for all messages.
import type { Component } from 'vue'

let menu: Promise<Component> | null = null

/** The actions menu (MessageMenu.vue, with the UI kit's dropdown). */
export function loadMessageMenu(): Promise<Component> {
  menu ??= import('./MessageMenu.vue').then((m) => m.default as Component)
  return menu
}
