// A business administrator sets up routing: a new queue with its service level, a rule that sends a word there,
// and the dry run that says an example message would follow the rule; then makes a supervisor's account and
// deactivates it, after which it cannot sign in; keeps the catalogs: an operator group (created, then changed), a
// topic under a topic, a template catalog and a response template (an unknown variable refused first), an API
// token shown once, a CRM subscription and its (empty) failed deliveries, and the
// WhatsApp templates, whose plugin is not loaded here, saying so; in the file store, a template's picture, saved
// from the list, whose deletion is refused with the template named, then forced. Then an operator tries the same page and is told it is
// not for their role.
import { base, check, problems, required, run, say, screenshot, signIn, watchedPage } from './browser.mjs'

const account = required('OMNIGATE_WEBCHAT_ACCOUNT')
const admin = required('OMNIGATE_ADMIN_LOGIN')
const adminPassword = required('OMNIGATE_ADMIN_PASSWORD')
const operator = required('OMNIGATE_OPERATOR_LOGIN')
const operatorPassword = required('OMNIGATE_OPERATOR_PASSWORD')
const tag = required('OMNIGATE_TAG')
const timeout = 15000

await run(async (browser) => {
  const context = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1280, height: 900 } })
  // No WhatsApp account is configured here: its templates' route does not exist, and the page says so.
  // The response template with an unknown variable is refused on purpose.
  // The refused deletion of a file in use is expected too, once its id is known.
  const expected = [
    { status: 404, path: '/api/v1/whatsapp/templates' },
    { status: 400, path: '/api/v1/templates' },
  ]
  const page = await watchedPage(context, expected)
  const $ = (test) => page.locator(`[data-test="${test}"]`)
  const queue = `vip-${tag}`
  const word = `vip${tag}`

  say('a business administrator lands on the administration, in Russian')
  await signIn(page, admin, adminPassword)
  await $('tab-queues').getByText('Очереди').waitFor({ timeout })

  say('creates a queue with its service level')
  await page.fill('input[name=queue-id]', queue)
  await page.fill('input[name=queue-name]', `VIP ${tag}`)
  await page.selectOption('select[name=queue-channel]', '')
  await $('new-queue').getByLabel('Цель, %').fill('90')
  await $('create-queue').click()
  await $('notice').getByText(`Очередь «VIP ${tag}» создана.`).waitFor({ timeout })
  await $('queue').filter({ hasText: queue }).getByText('*: 90% / 20 s').waitFor({ timeout })
  await screenshot(page, 'admin-queues')

  say('a rule that sends a word to it')
  await $('tab-rules').click()
  await page.fill('input[name=rule-name]', `VIP words ${tag}`)
  await $('new-rule').getByLabel('webchat').check()
  await page.fill('input[name=rule-words]', word)
  await page.selectOption('select[name=rule-queue]', queue)
  await $('create-rule').click()
  await $('notice').getByText(`Правило «VIP words ${tag}» создано.`).waitFor({ timeout })
  await $('rule').filter({ hasText: `VIP words ${tag}` }).waitFor({ timeout })

  say('the dry run says an example message follows the rule, and why')
  await page.selectOption('select[name=example-channel]', 'webchat')
  await page.fill('input[name=example-account]', account)
  await page.fill('textarea[name=example-text]', `Hello, I am ${word} here`)
  await $('run-dry-run').click()
  await $('verdict').waitFor({ timeout })
  const verdict = await $('verdict').innerText()
  check(verdict.includes(queue), `the dry run does not name the queue ${queue}:\n${verdict}`)
  await $('verdict').locator('li.matched').getByText(`VIP words ${tag}`).waitFor({ timeout })
  await screenshot(page, 'admin-rules')

  say('a new supervisor, then deactivated, cannot sign in')
  const newcomer = `sup-${tag}`
  await $('tab-users').click()
  await page.fill('input[name=user-login]', newcomer)
  await page.fill('input[name=user-name]', 'Nina Newcomer')
  await page.check('input[name=role-supervisor]')
  await page.fill('input[name=user-password]', 'newcomer-password-1')
  await $('create-user').click()
  await $('notice').getByText(`Пользователь ${newcomer} создан.`).waitFor({ timeout })
  const signIn1 = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: newcomer, password: 'newcomer-password-1' }),
  })
  check(signIn1.status === 200, `the new user's sign-in was answered ${signIn1.status}`)
  await $('user').filter({ hasText: newcomer }).locator('[data-test="deactivate"]').click()
  await $('notice').getByText(`${newcomer} отключён; его сеансы завершены.`).waitFor({ timeout })
  await screenshot(page, 'admin-users')
  const signIn2 = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: newcomer, password: 'newcomer-password-1' }),
  })
  check(signIn2.status !== 200, 'a deactivated user signed in')

  say('an operator group for the new queue, created and then renamed')
  const form = $('catalog-form')
  const row = (text) => $('catalog-row').filter({ hasText: text })
  await $('tab-catalogs').click()
  await $('catalog-tab-operatorGroups').click()
  await form.locator('input[name=id]').fill(`grp-${tag}`)
  await form.locator('input[name=name]').fill(`VIP team ${tag}`)
  await form.locator('input[name=queues]').fill(queue)
  await $('catalog-save').click()
  await $('catalog-notice').getByText(`VIP team ${tag}: создано.`).waitFor({ timeout })
  await row(`grp-${tag}`).getByText(queue).waitFor({ timeout })
  await row(`grp-${tag}`).getByRole('button', { name: 'Изменить' }).click()
  await form.locator('input[name=name]').fill(`VIP desk ${tag}`)
  await $('catalog-save').click()
  await row(`VIP desk ${tag}`).waitFor({ timeout })

  say('a topic under a topic, shown as a tree')
  await $('catalog-tab-topics').click()
  await form.locator('input[name=name]').fill(`Returns ${tag}`)
  await $('catalog-save').click()
  await row(`Returns ${tag}`).waitFor({ timeout })
  await form.locator('input[name=name]').fill(`Damaged ${tag}`)
  await form.locator('select[name=parent_id]').selectOption({ label: `Returns ${tag}` })
  await $('catalog-save').click()
  await row(`— Damaged ${tag}`).waitFor({ timeout })

  say('a template catalog, and a response template: an unknown variable is refused naming it, then it is saved')
  await $('catalog-tab-templateCatalogs').click()
  await form.locator('input[name=name]').fill(`Delivery ${tag}`)
  await $('catalog-save').click()
  await row(`Delivery ${tag}`).waitFor({ timeout })
  await $('catalog-tab-templates').click()
  await form.locator('input[name=title]').fill(`Order on its way ${tag}`)
  await form.locator('textarea[name=text]').fill('Здравствуйте, {client.nmae}!')
  await $('catalog-save').click()
  await $('catalog-error').getByText('{client.nmae}').waitFor({ timeout })
  await form.locator('textarea[name=text]').fill('Здравствуйте, {client.name}! Заказ уже в пути.')
  await form.locator('input[name=shortcut]').fill(`/way-${tag}`)
  await $('catalog-save').click()
  await row(`Order on its way ${tag}`).getByText(`/way-${tag}`).waitFor({ timeout })

  say('a template\'s picture in the file store: its deletion is refused naming the template, then forced')
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: admin, password: adminPassword }),
  })
  const bearer = { Authorization: `Bearer ${(await login.json()).access_token}` }
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64')
  const logo = await fetch(`${base}/api/v1/template-files?name=logo-${tag}.png`, {
    method: 'POST',
    headers: { ...bearer, 'Content-Type': 'image/png' },
    body: png,
  })
  check(logo.status === 201, `the template's picture was answered ${logo.status}`)
  const logoId = (await logo.json()).id
  const withLogo = await fetch(`${base}/api/v1/templates`, {
    method: 'POST',
    headers: { ...bearer, 'Content-Type': 'application/json' },
    body: JSON.stringify({ title: `With logo ${tag}`, text: 'Здравствуйте!', files: [logoId] }),
  })
  check(withLogo.status === 201, `the template with the picture was answered ${withLogo.status}`)
  expected.push({ status: 409, path: `/api/v1/files/${logoId}` })
  await $('tab-files').click()
  await $('store-use').waitFor({ timeout })
  await page.fill('input[name=file-name]', `logo-${tag}`)
  await $('find-files').click()
  const file = $('file').filter({ hasText: `logo-${tag}.png` })
  await file.locator('[data-test="file-uses"]').getByText('шаблонов: 1').waitFor({ timeout })
  const download = page.waitForEvent('download', { timeout })
  await file.locator('[data-test="open-file"]').click()
  const saved = await download
  check(saved.suggestedFilename() === `logo-${tag}.png`, `the file was saved as ${saved.suggestedFilename()}`)
  const bytes = Buffer.concat(await (await saved.createReadStream()).toArray())
  check(bytes.equals(png), 'the saved file is not the uploaded picture')
  await file.locator('[data-test="delete-file"]').click()
  await $('file-in-use').locator('[data-test="using-template"]').getByText(`шаблон «With logo ${tag}»`).waitFor({ timeout })
  await screenshot(page, 'admin-files')
  await $('force-delete').click()
  await $('notice').getByText(`«logo-${tag}.png» удалён.`).waitFor({ timeout })
  check((await $('file').filter({ hasText: `logo-${tag}.png` }).count()) === 0, 'the deleted file is still listed')
  const after = await fetch(`${base}/api/v1/templates/${(await withLogo.json()).id}`, { headers: bearer })
  check((await after.json()).files.length === 0, 'the template still names the deleted picture')
  await $('tab-catalogs').click()

  say('an API token, whose secret is shown once')
  await $('catalog-tab-apiTokens').click()
  await form.locator('input[name=name]').fill(`shop-${tag}`)
  await form.locator('input[name=scopes]').fill('interactions:read, clients:read')
  await $('catalog-save').click()
  const token = await $('new-secret').locator('code').innerText()
  const asToken = await fetch(`${base}/api/v1/interactions?limit=1`, { headers: { Authorization: `Bearer ${token}` } })
  check(asToken.status === 200, `the new token's first call was answered ${asToken.status}`)
  await row(`shop-${tag}`).getByText('interactions:read, clients:read').waitFor({ timeout })

  say('a CRM subscription, with no failed delivery yet')
  await $('catalog-tab-crmSubscriptions').click()
  await form.locator('input[name=id]').fill(`crm-${tag}`)
  await form.locator('input[name=url]').fill('http://127.0.0.1:9/hook')
  await form.locator('input[name=secret]').fill('a-signing-secret-long-enough-0123')
  await form.locator('input[name=events]').fill('interaction.closed')
  await $('catalog-save').click()
  await row(`crm-${tag}`).getByText('http://127.0.0.1:9/hook').waitFor({ timeout })
  await $('crm-deliveries').getByText('Нет: все события дошли до CRM.').waitFor({ timeout })
  await screenshot(page, 'admin-catalogs')

  say('the WhatsApp templates say their integration is not configured here')
  await $('catalog-tab-whatsappTemplates').click()
  await $('catalog-error').getByText('Этот справочник принадлежит интеграции, которая здесь не настроена.').waitFor({ timeout })

  say('an operator is kept out of the administration')
  const other = await browser.newContext({ locale: 'en-US' })
  const operatorPage = await watchedPage(other)
  await signIn(operatorPage, operator, operatorPassword)
  await operatorPage.locator('[data-test="status-now"]').waitFor({ timeout })
  check((await operatorPage.locator('[data-test="nav-admin"]').count()) === 0, 'the operator is shown the administration')
  await operatorPage.goto(`${base}/console/#/admin`)
  await operatorPage.getByText('This page is not for your role.').waitFor({ timeout })

  check(problems.length === 0, `the pages reported errors:\n${problems.join('\n')}`)
})
