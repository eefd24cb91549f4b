// The SDK's PullClient wants a REST client shaped like its own B24 classes (callMethod and
// actions.v2.call.make, answers with getData().result). This gives it that shape over any `call`
// (the messenger's session calls, the live chat's visitor calls), so each keeps its own auth.
type Call = (method: string, params: Record<string, unknown>) => Promise<unknown>

interface SdkAnswer {
  getData(): { result: unknown }
}

function answer(result: unknown): SdkAnswer {
  return { getData: () => ({ result }) }
}

export function sdkRestAdapter(call: Call) {
  return {
    callMethod: async (method: string, params: Record<string, unknown> = {}) => answer(await call(method, params)),
    actions: {
      v2: {
        call: {
          make: async ({ method, params }: { method: string; params?: Record<string, unknown> }) =>
            answer(await call(method, params ?? {})),
        },
      },
    },
  }
}
