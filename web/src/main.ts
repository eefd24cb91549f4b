import './main.css'
import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import { restoreSession } from './state/session'
import { followSystemTheme } from './theme'

// The UI kit's Vue plugin registers every component of the kit globally, which would put all of
// them in the first load; its Vite plugin already imports the ones a template uses, so the
// client installs only the router here (first load budget: issue 13, ≤ 250 KB compressed).
followSystemTheme()
restoreSession().finally(() => createApp(App).use(router).mount('#app'))
