// Russian and English. Russian when the browser prefers it (our users are Russian-speaking contact centres) or asks
// for neither; the user's own choice is remembered in this browser.
import { createI18n } from 'vue-i18n'
import en from './en'
import ru from './ru'

export const languages = ['ru', 'en'] as const
export type Language = (typeof languages)[number]
const storageKey = 'omnigate.language'

function initial(): Language {
  const chosen = localStorage.getItem(storageKey)
  if (chosen === 'ru' || chosen === 'en') return chosen
  for (const wanted of navigator.languages ?? [navigator.language]) {
    const base = wanted.toLowerCase().split('-')[0]
    if (base === 'ru' || base === 'en') return base
  }
  return 'ru'
}

export const i18n = createI18n({
  legacy: false,
  locale: initial(),
  fallbackLocale: 'en',
  messages: { en, ru },
  // A text without a translation shows its key: said as an error, in production too, so that the browser tests
  // (which fail on any console error) catch it.
  missing: (locale, key) => console.error(`omnigate: no '${locale}' text for '${key}'`),
})

export function setLanguage(language: Language) {
  i18n.global.locale.value = language
  localStorage.setItem(storageKey, language)
  document.documentElement.lang = language
}
