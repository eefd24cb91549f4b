// The web messenger's build: Vue single-file components, Bitrix24's UI kit in its Vue mode (its
// Vite plugin compiles the component themes and auto-imports B24* components where they are used,
// so only the components the client uses land in the bundle), hashed assets under /assets/.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import b24ui from '@bitrix24/b24ui-nuxt/vite'

// `npm run dev` proxies the server's endpoints to a running imhub (make run) so the client can be
// worked on with hot reload; the built client is served by imhub itself.
const server = process.env.IMHUB_URL ?? 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [vue(), b24ui()],
  build: {
    target: 'es2022',
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: {
      '/rest': server,
      '/auth': server,
      '/bitrix': { target: server, ws: true },
      '/oauth': server,
      '/disk': server,
    },
  },
})
