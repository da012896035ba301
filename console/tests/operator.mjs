// An operator's day in one chat: the sign-in page in Russian (the browser asks for it) and in English, a wrong
// password in words, signing in, turning ready, an offer arriving live while a visitor writes, accepting it,
// answering with Ctrl+Enter (the visitor's WebSocket receives the answer), closing with a resolution (the visitor
// is asked for a rating), and signing out.
import { base, check, required, run, say, screenshot, watchedPage } from './browser.mjs'

const account = required('OMNIGATE_WEBCHAT_ACCOUNT')
const login = required('OMNIGATE_OPERATOR_LOGIN')
const password = required('OMNIGATE_OPERATOR_PASSWORD')
const timeout = 15000

await run(async (browser) => {
  const problems = []
  const context = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1280, height: 760 } })
  const page = await watchedPage(context, problems, [{ status: 401, path: '/api/v1/auth/login' }])
  const $ = (test) => page.locator(`[data-test="${test}"]`)

  say('the sign-in page speaks Russian to a Russian browser')
  await page.goto(`${base}/console/`)
  await page.getByRole('heading', { name: 'Вход' }).waitFor({ timeout })

  say('a wrong password is refused in words')
  await page.fill('input[name=login]', login)
  await page.fill('input[name=password]', 'not-the-password')
  await page.click('button[type=submit]')
  await $('error').getByText('Неверный логин или пароль.').waitFor({ timeout })

  say('English on request, remembered')
  await $('language').selectOption('en')
  await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout })
  await screenshot(page, 'sign-in')

  say('signing in opens the workspace, offline')
  await page.fill('input[name=password]', password)
  await page.click('button[type=submit]')
  await $('status-now').getByText('Offline').waitFor({ timeout })

  say('turning ready')
  await $('status-ready').click()
  await $('status-now').getByText('Ready').waitFor({ timeout })

  say('a visitor writes in the web chat')
  // The browser asks the visitor's page for /favicon.ico, which omnigate does not have.
  const visitor = await watchedPage(context, problems, [{ status: 404, path: '/favicon.ico' }])
  await visitor.goto(`${base}/healthz`)
  const visitorToken = await visitor.evaluate(async (account) => {
    const session = await fetch(`/api/v1/webchat/${account}/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Пётр Покупатель' }),
    }).then((r) => r.json())
    window.received = []
    const socket = new WebSocket(`ws://${location.host}/api/v1/webchat/${account}/ws?token=${session.token}`)
    socket.onmessage = (event) => window.received.push(JSON.parse(event.data))
    await new Promise((resolve) => (socket.onopen = resolve))
    const sent = await fetch(`/api/v1/webchat/${account}/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ text: 'Здравствуйте! Где мой заказ?' }),
    })
    if (sent.status !== 201) throw new Error(`the visitor's message was answered ${sent.status}`)
    return session.token
  }, account)
  check(visitorToken, 'the visitor got no session')

  say('the offer appears live, with its countdown')
  await $('offer').waitFor({ timeout })
  await $('offer').getByText('Пётр Покупатель').waitFor({ timeout })
  await $('offer').getByText(/Accept within \d+ s/).waitFor({ timeout })
  await screenshot(page, 'workspace-offer')

  say('accepting opens the conversation with the client message')
  await $('accept').click()
  await $('conversation').getByText('Здравствуйте! Где мой заказ?').waitFor({ timeout })

  say('Ctrl+Enter sends the answer, and the visitor receives it')
  await $('composer').fill('Ваш заказ уже в пути.')
  await $('composer').press('Control+Enter')
  await $('conversation').locator('.message.out').getByText('Ваш заказ уже в пути.').waitFor({ timeout })
  await visitor.waitForFunction(
    () => window.received.some((e) => e.type === 'message' && e.message.text === 'Ваш заказ уже в пути.'),
    null,
    { timeout },
  )
  check(await $('composer').inputValue() === '', 'the composer kept the sent text')
  await screenshot(page, 'workspace-conversation')

  say('closing with a resolution empties the list, and the visitor is asked for a rating')
  await $('close').click()
  await page.fill('input[name=resolution]', 'answered')
  await $('close-confirm').click()
  await $('conversation').waitFor({ state: 'detached', timeout })
  check((await $('interaction').count()) === 0, 'the closed interaction is still listed')
  await visitor.waitForFunction(
    () => window.received.some((e) => e.type === 'interaction' && e.interaction.status === 'closed' && e.interaction.rating_requested),
    null,
    { timeout },
  )

  say('signing out returns to the sign-in page, in English still')
  await $('sign-out').click()
  await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout })

  check(problems.length === 0, `the pages reported errors:\n${problems.join('\n')}`)
})
