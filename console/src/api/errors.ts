// An API error in words, in the user's language: the known codes get a sentence of their own; any other shows the
// daemon's message, which already says what went wrong and what to do.
import { i18n } from '../i18n'
import { ApiError } from './session'

export function errorText(error: unknown): string {
  const t = i18n.global.t
  if (!(error instanceof ApiError)) return t('errors.generic', { message: String(error) })
  switch (error.code) {
    case 'network':
    case 'invalid_credentials':
    case 'too_many_failures':
    case 'not_yours':
      return t(`errors.${error.code}`)
    case 'insufficient_permission':
      return t('errors.insufficient_permission', { message: error.message })
    default:
      return t('errors.generic', { message: error.message })
  }
}
