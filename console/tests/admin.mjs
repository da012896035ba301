// A business administrator sets up routing: a new queue with its service level, a rule that sends a word there,
// and the dry run that says an example message would follow the rule; then makes a supervisor's account and
// deactivates it, after which it cannot sign in. Then an operator tries the same page and is told it is not for
// their role.
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
  const page = await watchedPage(context)
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
