import { createApp } from 'vue'
import App from './App.vue'
import { restore } from './api/session'
import { i18n } from './i18n'
import { router } from './router'
import './style.css'

document.documentElement.lang = i18n.global.locale.value
// The tab's session first, so that the router's first decision knows who is signed in.
restore().finally(() => createApp(App).use(i18n).use(router).mount('#app'))
