// imhub's developer console methods (imhub.console.*, administrators only; src/api/console.cpp):
// what `imhub events status|failed|log|retry` shows on the command line, for the browser.
import { call, callPage, type Page } from '../api/rest'

export interface ConsoleHandler {
  HANDLER: string
  EVENTS: string[]
  PENDING: number
  FAILED: number
  ATTEMPTS: number
  LAST_ERROR: string
  DATE_LAST_ERROR: string | null
  DATE_NEXT_ATTEMPT: string | null
  DATE_OLDEST_PENDING: string | null
}

export interface ConsoleReceiver {
  ID: number
  /** app, bot or handler (an event.bind handler of a webhook) */
  KIND: string
  CODE: string
  NAME: string
  ACTIVE: boolean
  APP_ID: number
  CLIENT_ID: string
  OWNER_ID: number
  PENDING: number
  FAILED: number
  HANDLERS: ConsoleHandler[]
}

export interface FailedDelivery {
  ID: number
  APP_ID: number
  HANDLER: string
  EVENT: string
  EVENT_HANDLER_ID: number
  ATTEMPTS: number
  LAST_ERROR: string
  DATE_CREATE: string | null
  DATE_FAILED: string | null
  DELIVERY_ID: string
}

export interface Delivery {
  ID: number
  DATE: string | null
  APP_ID: number
  HANDLER: string
  EVENT: string
  OUTBOX_ID: number
  DELIVERY_ID: string
  ATTEMPT: number
  /** delivered, http_error, timeout, connect_error, too_large, refused, other */
  OUTCOME: string
  DURATION_MS: number
  REQUEST: { EVENT: string; HANDLER: string; BODY: string; BODY_BYTES: number; BODY_TRUNCATED: boolean }
  ANSWER: { STATUS: number; BODY: string; ERROR: string }
}

export interface Filter {
  APP_ID?: number
  BOT_ID?: number
  HANDLER?: string
}

export function handlers(): Promise<ConsoleReceiver[]> {
  return call<ConsoleReceiver[]>('imhub.console.handlers')
}

export function failed(filter: Filter = {}, start = 0): Promise<Page<FailedDelivery[]>> {
  return callPage<FailedDelivery[]>('imhub.console.failed', { ...filter, start })
}

export function deliveries(filter: Filter = {}, start = 0): Promise<Page<Delivery[]>> {
  return callPage<Delivery[]>('imhub.console.deliveries', { ...filter, start })
}

export interface RetryResult {
  RETRIED: number
  IDS: number[]
  NOT_FOUND: number[]
}

/** By failed delivery ids, or every failed event of a handler. */
export function retry(what: { ID: number[] } | { HANDLER: string } | { ALL: 'Y' }): Promise<RetryResult> {
  return call<RetryResult>('imhub.console.retry', what)
}

export function when(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString([], { dateStyle: 'short', timeStyle: 'medium' })
}

/** Form bodies are easier to read one field a line. */
export function readableBody(body: string): string {
  if (!body) return ''
  const trimmed = body.trim()
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.stringify(JSON.parse(trimmed), null, 2)
    } catch {
      return body
    }
  }
  if (/^[^\s=&]+=[^\s]*(&[^\s=&]+=[^\s]*)*$/.test(trimmed)) {
    return trimmed
      .split('&')
      .map((pair) => {
        const [k, v = ''] = pair.split('=')
        const dec = (s: string) => {
          try {
            return decodeURIComponent(s.replace(/\+/g, ' '))
          } catch {
            return s
          }
        }
        return `${dec(k!)} = ${dec(v)}`
      })
      .join('\n')
  }
  return body
}
