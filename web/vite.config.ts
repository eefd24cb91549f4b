// The web messenger's build: Vue single-file components, Bitrix24's UI kit in its Vue mode (its
// Vite plugin compiles the component themes and auto-imports B24* components where they are used,
// so only the components the client uses land in the bundle), hashed assets under /assets/.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import b24ui from '@bitrix24/b24ui-nuxt/vite'

// `npm run dev` proxies the server's endpoints to a running imhub (make run) so the client can be
// worked on with hot reload; the built client is served by imhub itself.
const server = process.env.IMHUB_URL ?? 'http://127.0.0.1:8080'
// imhub refuses cookie-bearing requests from a foreign Origin; through the dev proxy the page's
// origin is Vite's, so the proxy presents the server's own.
const proxied = {
  target: server,
  configure: (proxy: { on(event: string, fn: (req: { setHeader(k: string, v: string): void }) => void): void }) =>
    proxy.on('proxyReq', (req) => req.setHeader('origin', server)),
}

export default defineConfig({
  plugins: [vue(), b24ui()],
  build: {
    target: 'es2022',
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 400,
    // Two pages: the messenger, and the live chat window websites embed (/online/<code>).
    rollupOptions: { input: { main: 'index.html', livechat: 'livechat.html' } },
  },
  server: {
    proxy: {
      '/rest': proxied,
      '/auth': proxied,
      '/bitrix': { ...proxied, ws: true },
      '/oauth': proxied,
      '/disk': proxied,
    },
  },
})
