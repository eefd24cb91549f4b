// The visitor's push: the official PullClient of @bitrix24/b24jssdk, unmodified, on the visitor's
// own channel (pull.config.get under live-chat auth). As in the messenger (api/pull.ts), a small
// adapter gives the SDK the REST client shape it expects.
import { B24PullClientManager } from '@bitrix24/b24jssdk'
import { call } from './rest'
import { sdkRestAdapter } from '../api/sdkAdapter'

export type PullHandler = (command: string, params: Record<string, any>) => void

const adapter = sdkRestAdapter(call)

// The SDK keeps its settings in localStorage and sessionStorage. In a frame on another site a
// browser may refuse both (third-party storage blocked): the SDK then gets storage in memory.
function memoryStorage(): Storage {
  const data = new Map<string, string>()
  return {
    get length() {
      return data.size
    },
    clear: () => data.clear(),
    getItem: (key: string) => data.get(key) ?? null,
    key: (index: number) => [...data.keys()][index] ?? null,
    removeItem: (key: string) => void data.delete(key),
    setItem: (key: string, value: string) => void data.set(key, String(value)),
  }
}

function ensureStorage(): void {
  for (const name of ['localStorage', 'sessionStorage'] as const) {
    try {
      void window[name].length
    } catch {
      Object.defineProperty(window, name, { value: memoryStorage(), configurable: true })
    }
  }
}

export async function startPull(userId: number, handler: PullHandler): Promise<void> {
  ensureStorage()
  const client = new B24PullClientManager({ b24: adapter as never, siteId: 'livechat', userId })
  for (const moduleId of ['im', 'imopenlines'])
    client.subscribe({
      moduleId,
      callback: (data: { command: string; params?: Record<string, any> }) => handler(data.command, data.params ?? {}),
    } as never)
  await client.start()
}
