// The signed-in user and every REST call made in their name (docs/rest-api.md, docs/security.md).
//
// The session is kept per tab (sessionStorage): it survives a reload, and a second tab signs in on its own. Sharing
// one refresh token between tabs would break: each refresh uses the token up, and the other tab presenting the
// used one would look like a stolen token and end the session for both.
import { reactive } from 'vue'

export interface Me {
  id: number
  login: string
  display_name: string
  roles: string[]
  permissions: string[]
  operator_id: string | null
  workplace: string | null
}

export interface BrokerAccount {
  url?: string
  username: string
  password: string
  topics: string[]
}

// An error the API answered ({"error": {"code", "message"}}), or a network failure (status 0).
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

interface Stored {
  refreshToken: string
  user: Me
  mqtt: BrokerAccount | null
}

const storageKey = 'omnigate.session'

export const session = reactive({
  user: null as Me | null,
  mqtt: null as BrokerAccount | null,
  // Set when the session ended by itself (signed out elsewhere, deactivated, expired): the sign-in page says so.
  endedBecause: '' as string,
})

let accessToken = ''
let refreshToken = ''
let refreshTimer: number | undefined
let refreshing: Promise<void> | null = null

export function can(permission: string): boolean {
  const held = session.user?.permissions ?? []
  return held.includes(permission) || held.includes(permission + ':own')
}

// `body` is sent as JSON, or as it is when it is a file (an upload).
async function send(method: string, path: string, body?: unknown, token = accessToken): Promise<Response> {
  const headers: Record<string, string> = {}
  if (token) headers.Authorization = `Bearer ${token}`
  let payload: BodyInit | undefined
  if (body instanceof Blob) {
    headers['Content-Type'] = body.type || 'application/octet-stream'
    payload = body
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    payload = JSON.stringify(body)
  }
  try {
    return await fetch(path, { method, headers, body: payload })
  } catch {
    throw new ApiError(0, 'network', '')
  }
}

async function failure(response: Response): Promise<ApiError> {
  try {
    const answer = await response.json()
    return new ApiError(response.status, answer.error?.code ?? 'error', answer.error?.message ?? response.statusText)
  } catch {
    return new ApiError(response.status, 'error', response.statusText)
  }
}

function remember(answer: { access_token: string; expires_in: number; refresh_token: string }) {
  accessToken = answer.access_token
  refreshToken = answer.refresh_token
  if (session.user) {
    const stored: Stored = { refreshToken, user: session.user, mqtt: session.mqtt }
    sessionStorage.setItem(storageKey, JSON.stringify(stored))
  }
  // A minute before the access token lapses, so requests never wait on a refresh.
  window.clearTimeout(refreshTimer)
  refreshTimer = window.setTimeout(() => void refresh().catch(() => undefined), Math.max(answer.expires_in - 60, 5) * 1000)
}

function forget(reason: string) {
  window.clearTimeout(refreshTimer)
  accessToken = ''
  refreshToken = ''
  sessionStorage.removeItem(storageKey)
  session.user = null
  session.mqtt = null
  session.endedBecause = reason
}

export async function signIn(login: string, password: string, workplace: string): Promise<void> {
  const response = await send('POST', '/api/v1/auth/login', {
    login,
    password,
    ...(workplace ? { workplace } : {}),
  })
  if (!response.ok) throw await failure(response)
  const answer = await response.json()
  session.user = answer.user
  session.mqtt = answer.mqtt ?? null
  session.endedBecause = ''
  remember(answer)
}

// One refresh at a time: every request that found its token lapsed waits for the same one.
function refresh(): Promise<void> {
  if (!refreshing) {
    refreshing = (async () => {
      const response = await send('POST', '/api/v1/auth/refresh', { refresh_token: refreshToken }, '')
      if (!response.ok) {
        const error = await failure(response)
        if (response.status === 401) forget(error.code)
        throw error
      }
      remember(await response.json())
    })().finally(() => {
      refreshing = null
    })
  }
  return refreshing
}

// After a reload: the tab's session, if it is still live.
export async function restore(): Promise<void> {
  const text = sessionStorage.getItem(storageKey)
  if (!text) return
  try {
    const stored = JSON.parse(text) as Stored
    session.user = stored.user
    session.mqtt = stored.mqtt
    refreshToken = stored.refreshToken
    await refresh()
    session.user = await api<Me>('GET', '/api/v1/auth/me')
  } catch {
    if (session.user) forget('')
  }
}

export async function signOut(): Promise<void> {
  try {
    await send('POST', '/api/v1/auth/logout')
  } finally {
    forget('')
  }
}

// A file the API answers (the exports), as the signed-in user, with the name its Content-Disposition gives it ('' for
// none).
export async function apiFile(path: string): Promise<{ blob: Blob; name: string }> {
  let response = await send('GET', path)
  if (response.status === 401 && refreshToken) {
    await refresh()
    response = await send('GET', path)
  }
  if (!response.ok) throw await failure(response)
  return { blob: await response.blob(), name: fileName(response.headers.get('Content-Disposition') ?? '') }
}

// The UTF-8 `filename*` where the daemon gives one (names in Cyrillic), else the plain `filename`.
function fileName(disposition: string): string {
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)
  if (encoded) {
    try {
      return decodeURIComponent(encoded[1])
    } catch {
      // A malformed encoding: the plain name below.
    }
  }
  return /filename="([^"]*)"/i.exec(disposition)?.[1] ?? ''
}

// A REST call as the signed-in user: JSON (or a file) in, JSON out (undefined for 204). A lapsed access token is refreshed and
// the call made again once; a session that ended sends the user back to the sign-in page with the reason.
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response = await send(method, path, body)
  if (response.status === 401 && refreshToken) {
    const error = await failure(response)
    if (error.code !== 'token_expired') {
      forget(error.code)
      throw error
    }
    await refresh()
    response = await send(method, path, body)
  }
  if (!response.ok) throw await failure(response)
  if (response.status === 204) return undefined as T
  return (await response.json()) as T
}
