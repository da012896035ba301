// An operator's day in one chat: the sign-in page in Russian (the browser asks for it) and in English, a wrong
// password in words, signing in, turning ready, an offer arriving live while a visitor writes through the chat
// widget on a shop's site (another origin), accepting it, a template suggested live for the client's next question,
// answering with a template by its shortcut and Ctrl+Enter (the widget shows the answer), finding a template by a
// word in another form, a draft saved as the operator's own template and found, a mail-like HTML file
// shown in a sandboxed frame, closing with a resolution (the widget shows the rating form, the rating is taken and
// shows in the processed tab), the operator's own figures of the day (handled at the close, the rating live), and
// signing out.
import { createServer } from 'node:http'
import { base, check, problems, required, run, say, screenshot, signIn, watchedPage } from './browser.mjs'

const account = required('OMNIGATE_WEBCHAT_ACCOUNT')
const login = required('OMNIGATE_OPERATOR_LOGIN')
const password = required('OMNIGATE_OPERATOR_PASSWORD')
const timeout = 15000
const shop = required('OMNIGATE_SHOP_ORIGIN')
const topic = required('OMNIGATE_TOPIC')
const template = required('OMNIGATE_TEMPLATE')
const blocked = (problem) => problem.includes("Blocked script execution in 'about:srcdoc'")

await run(async (browser) => {
  const context = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1280, height: 760 } })
  const page = await watchedPage(context, [{ status: 401, path: '/api/v1/auth/login' }])
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

  say('a visitor writes through the chat widget on a shop\'s site')
  // The shop's page, from a server of its own: another origin than omnigate's, as on a real site (on loopback too,
  // so that chromium's private network rules see no public page reaching into a private network).
  const site = createServer((request, response) => {
    if (request.url !== '/') return response.writeHead(404).end()
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
    response.end(`<!doctype html><title>Shop</title><h1>Shop</h1>
      <script src="${base}/console/chat-widget.js" data-account="${account}" data-name="Пётр Покупатель" defer></script>`)
  })
  const { port } = new URL(shop)
  await new Promise((resolve) => site.listen(Number(port), '127.0.0.1', resolve))
  site.unref()
  // The browser asks the shop for /favicon.ico, which it does not have.
  const visitor = await watchedPage(context, [{ status: 404, path: '/favicon.ico' }])
  await visitor.goto(`${shop}/`)
  await visitor.getByRole('button', { name: 'Напишите нам' }).click()
  await visitor.getByPlaceholder('Ваше сообщение…').fill('Здравствуйте! Где мой заказ?')
  await visitor.getByPlaceholder('Ваше сообщение…').press('Enter')
  await visitor.locator('.msg.in:not(.pending)').getByText('Здравствуйте! Где мой заказ?').waitFor({ timeout })

  say('the offer appears live, with its countdown')
  await $('offer').waitFor({ timeout })
  await $('offer').getByText('Пётр Покупатель').waitFor({ timeout })
  await $('offer').getByText(/Accept within \d+ s/).waitFor({ timeout })
  await screenshot(page, 'workspace-offer')

  say('the same operator in a second tab is offered it too')
  const secondContext = await browser.newContext({ locale: 'en-US' })
  const second = await watchedPage(secondContext)
  await signIn(second, login, password)
  await second.locator('[data-test="offer"]').waitFor({ timeout })

  say('accepting opens the conversation with the client message; the other tab follows')
  await $('accept').click()
  await $('conversation').getByText('Здравствуйте! Где мой заказ?').waitFor({ timeout })
  await second.locator('[data-test="offer"]').waitFor({ state: 'detached', timeout })
  await second.locator('[data-test="interaction"]').getByText('Пётр Покупатель').waitFor({ timeout })
  await secondContext.close()

  say('the client card shows the client and keeps an added field')
  await $('client-card').getByRole('heading', { name: 'Пётр Покупатель' }).waitFor({ timeout })
  await $('client-edit').click()
  await page.fill('input[name=card-key-0]', 'order')
  await page.fill('input[name=card-value-0]', 'A-1001')
  await $('client-save').click()
  await $('client-card').getByText('A-1001').waitFor({ timeout })

  say('a topic is picked from the tree')
  await page.selectOption('select[name=topic]', { label: topic })
  await $('topic').getByText(topic).waitFor({ timeout })

  say('the client asks again; the knowledge base suggests the template live')
  await visitor.getByPlaceholder('Ваше сообщение…').fill('Когда привезут заказ?')
  await visitor.getByPlaceholder('Ваше сообщение…').press('Enter')
  await $('conversation').getByText('Когда привезут заказ?').waitFor({ timeout })
  // Each daemon these tests start moves its file's template into the core's catalog: a database that served an
  // earlier run holds one "Где заказ" per run.
  await $('suggestions').getByText('Где заказ').first().waitFor({ timeout })

  say('"/" and the shortcut offer the template, Tab takes it, Ctrl+Enter sends it, and the widget shows it')
  await $('composer').fill(`/${template.slice(0, 3)}`)
  await $('templates').getByText(`/${template}`).waitFor({ timeout })
  await $('composer').press('Tab')
  check(await $('composer').inputValue() === 'Ваш заказ уже в пути.', 'Tab did not take the template')
  // The file's template is the core's now (docs/templates.md): its use is counted for this interaction.
  const counted = page.waitForResponse((r) => /\/interactions\/\d+\/templates\/\d+\/uses$/.test(r.url()))
  await $('composer').press('Control+Enter')
  check((await counted).status() === 204, `counting the template's use was answered ${(await counted).status()}`)
  await $('conversation').locator('.message.out').getByText('Ваш заказ уже в пути.').waitFor({ timeout })
  await visitor.locator('.msg.out').getByText('Ваш заказ уже в пути.').waitFor({ timeout })
  check(await $('composer').inputValue() === '', 'the composer kept the sent text')
  await screenshot(page, 'workspace-conversation')

  say('the Templates button finds a template by a word in another form')
  await $('templates-button').click()
  await $('template-search').fill('заказом')
  await $('templates').getByText('Где заказ').first().waitFor({ timeout })
  await $('templates-button').click()

  // A word no other test's template holds: the search answers the eight best, and a busy test database has many.
  say('a draft saved as a personal template is found by its words too')
  await $('composer').fill('Мой ответ про гарантийный ремонт')
  const saved = page.waitForResponse((r) => r.url().endsWith('/templates') && r.request().method() === 'POST')
  await $('save-template').click()
  check((await saved).status() === 201, `saving the personal template was answered ${(await saved).status()}`)
  await $('composer').fill('')
  await $('templates-button').click()
  await $('template-search').fill('ремонтом')
  const mine = $('templates').locator('li').filter({ hasText: 'Мой ответ про гарантийный ремонт' })
  await mine.waitFor({ timeout })

  say('and, being the operator\'s own, is deleted by them: the search no longer finds it')
  await mine.locator('[data-test="delete-personal"]').click()
  await mine.waitFor({ state: 'detached', timeout })
  await $('template-search').fill('')
  const searched = page.waitForResponse((r) => r.url().includes('/api/v1/templates?q='))
  await $('template-search').fill('ремонтом')
  check((await searched).status() === 200, `the search was answered ${(await searched).status()}`)
  // Something that must not appear has no event to wait for: the answer is given half a second to be shown.
  await page.waitForTimeout(500)
  check((await mine.count()) === 0, 'the deleted personal template is still offered')
  await $('templates-button').click()

  say('a file goes with an answer, previewed in the conversation and named in the widget')
  const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=='
  await page.setInputFiles('input[name=attach]', { name: 'receipt.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') })
  await page.locator('.composer .chip').getByText('receipt.png').waitFor({ timeout })
  await $('send').click()
  await $('conversation').locator('.message.out [data-test="attachment"] img').waitFor({ timeout })
  await visitor.locator('.msg.out').getByText('Файл: receipt.png').waitFor({ timeout })

  say('HTML (as a mail brings it) shows in a frame sandboxed to nothing: its script never runs')
  const html = '<p>Письмо клиенту</p><script>parent.document.title = "hacked"</script>'
  await page.setInputFiles('input[name=attach]', { name: 'letter.html', mimeType: 'text/html', buffer: Buffer.from(html) })
  await page.locator('.composer .chip').getByText('letter.html').waitFor({ timeout })
  await $('send').click()
  await page.frameLocator('[data-test="mail-html"]').getByText('Письмо клиенту').waitFor({ timeout })
  check((await $('mail-html').getAttribute('sandbox')) === '', 'the HTML frame is not sandboxed to nothing')
  check((await page.title()) !== 'hacked', "the HTML's script ran")
  // Chromium says so on the console, each time the frame shows: that is the sandbox working, not a fault.
  check(problems.some(blocked), "chromium did not report blocking the HTML's script")

  say('Alt+E and a resolution close it; the widget asks for a rating and takes it')
  await page.keyboard.press('Alt+KeyE')
  await page.fill('input[name=resolution]', 'answered')
  await $('close-confirm').click()
  await $('conversation').waitFor({ state: 'detached', timeout })
  check((await $('interaction').count()) === 0, 'the closed interaction is still listed')
  await visitor.getByText('Оцените, пожалуйста, наш ответ').waitFor({ timeout })
  await screenshot(visitor, 'chat-widget')
  const rated = visitor.waitForResponse((r) => r.url().endsWith(`/api/v1/webchat/${account}/rating`))
  await visitor.getByRole('button', { name: '5', exact: true }).click()
  check((await rated).status() === 204, `the rating was answered ${(await rated).status()}`)
  await visitor.getByText('Спасибо за оценку!').waitFor({ timeout })

  say('the processed tab shows it, read-only')
  await $('list-processed').click()
  await $('interaction').first().click()
  await $('conversation').getByText('Ваш заказ уже в пути.').waitFor({ timeout })
  await $('rating').getByText('Client rating: 5').waitFor({ timeout })
  check((await $('composer').count()) === 0, 'a processed interaction can still be answered')

  say("the operator's own figures count the interaction, and the rating comes live")
  await $('my-handled').locator('.figure[data-key="handled"][data-value="1"]').waitFor({ timeout })
  await $('my-average_rating').locator('.figure[data-key="average_rating"][data-value="5"]').waitFor({ timeout })
  await $('my-average_handle_seconds').locator('.figure:not([data-value=""])').waitFor({ timeout })

  say('signing out returns to the sign-in page, in English still')
  await $('sign-out').click()
  await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout })

  const faults = problems.filter((problem) => !blocked(problem))
  check(faults.length === 0, `the pages reported errors:\n${faults.join('\n')}`)
})
