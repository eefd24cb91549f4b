// The one module that talks push: the official PullClient of @bitrix24/b24jssdk, unmodified, on
// the signed-in user's channel (pull.config.get under session auth). The SDK wants a REST client
// with the shape of its own B24 classes; `sdkRestAdapter` gives it that shape over api/rest.ts, so
// its calls carry the session cookie and sessid like every other call of the client.
import { B24PullClientManager } from '@bitrix24/b24jssdk'
import { call } from './rest'
import { sdkRestAdapter } from './sdkAdapter'

export type PullHandler = (params: Record<string, any>, extra: Record<string, any>, command: string) => void

const sdk = sdkRestAdapter(call)

type Client = InstanceType<typeof B24PullClientManager>
let client: Client | null = null
const handlers = new Map<string, Set<PullHandler>>()
const statusListeners = new Set<(status: string) => void>()

function key(moduleId: string, command: string): string {
  return `${moduleId}:${command}`
}

/** Receives `command` of `moduleId` (`im` for the messenger's commands, an app's own module id). */
export function onPull(moduleId: string, command: string, handler: PullHandler): () => void {
  const k = key(moduleId, command)
  if (!handlers.has(k)) handlers.set(k, new Set())
  handlers.get(k)!.add(handler)
  subscribeModule(moduleId)
  return () => handlers.get(k)?.delete(handler)
}

/** Shorthand for the messenger's `im` commands (protocol-push.md §9). */
export function onIm(command: string, handler: PullHandler): () => void {
  return onPull('im', command, handler)
}

let lastStatus = 'connect'

/** The client's connection status ('online', 'offline', 'connect'), now and on every change. */
export function onPullStatus(listener: (status: string) => void): () => void {
  statusListeners.add(listener)
  listener(lastStatus)
  return () => statusListeners.delete(listener)
}

function dispatch(moduleId: string, command: string, params: Record<string, any>, extra: Record<string, any>) {
  for (const h of handlers.get(key(moduleId, command)) ?? []) h(params, extra, command)
  for (const h of handlers.get(key(moduleId, '*')) ?? []) h(params, extra, command)
}

const subscribedModules = new Set<string>()

// The SDK routes server commands per module id; one subscription per module feeds `dispatch`.
function subscribeModule(moduleId: string): void {
  if (!client || subscribedModules.has(moduleId)) return
  subscribedModules.add(moduleId)
  client.subscribe({
    moduleId,
    callback: (data: { command: string; params?: Record<string, any>; extra?: Record<string, any> }) =>
      dispatch(moduleId, data.command, data.params ?? {}, data.extra ?? {}),
  } as never)
}

export async function startPull(userId: number): Promise<void> {
  stopPull()
  const c = new B24PullClientManager({ b24: sdk as never, siteId: 'imhub', userId })
  client = c
  for (const k of handlers.keys()) subscribeModule(k.slice(0, k.indexOf(':')))
  c.subscribe({
    type: 'status',
    callback: (data: { status: string }) => {
      lastStatus = data.status
      statusListeners.forEach((l) => l(data.status))
    },
  } as never)
  await c.start()
}

export function stopPull(): void {
  client?.destroy()
  client = null
  subscribedModules.clear()
}

export function pullConnected(): boolean {
  return client?.isConnected() ?? false
}
