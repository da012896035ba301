// The internal chat between two people (docs/chat.md): a supervisor, in English, makes a group with an operator,
// who has the console open in Russian; the supervisor writes with an @mention, and the operator sees the group's
// unread count and mention come live, with the navigation's badge, opens it (the count goes), reads the message and
// answers; the supervisor sees the answer live.
import { check, problems, required, run, say, screenshot, signIn, watchedPage } from './browser.mjs'

const operatorLogin = required('OMNIGATE_OPERATOR_LOGIN')
const operatorPassword = required('OMNIGATE_OPERATOR_PASSWORD')
const supervisorLogin = required('OMNIGATE_SUPERVISOR_LOGIN')
const supervisorPassword = required('OMNIGATE_SUPERVISOR_PASSWORD')
const tag = required('OMNIGATE_TAG')
const timeout = 15000
const group = `Shift ${tag}`

await run(async (browser) => {
  const olgaContext = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 760 } })
  const olga = await watchedPage(olgaContext)
  const annaContext = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1280, height: 760 } })
  const anna = await watchedPage(annaContext)
  const on = (page) => (test) => page.locator(`[data-test="${test}"]`)
  const $o = on(olga)
  const $a = on(anna)
  const entry = (page, name) => page.locator('[data-test="chat-entry"]').filter({ hasText: name })

  say('the supervisor opens the chat, in English, with the general chat open')
  await signIn(olga, supervisorLogin, supervisorPassword)
  await $o('nav-chat').click()
  await $o('chat-title').getByText('General chat').waitFor({ timeout })

  say('she makes a group with the operator')
  await $o('chat-new').click()
  await olga.fill('input[name=chat-group-name]', group)
  await olga.selectOption('select[name=chat-group-members]', [operatorLogin])
  await $o('chat-create').click()
  await $o('chat-title').getByText(group).waitFor({ timeout })
  await $o('chat-member').filter({ hasText: operatorLogin }).waitFor({ timeout })

  say('the operator opens the chat, in Russian, and finds the group with nothing unread')
  await signIn(anna, operatorLogin, operatorPassword)
  await $a('nav-chat').getByText('Чат').click()
  await $a('chat-title').getByText('Общий чат').waitFor({ timeout })
  await entry(anna, group).waitFor({ timeout })
  check((await entry(anna, group).locator('[data-test="chat-unread"]').count()) === 0, 'a new group has nothing unread')

  say('the supervisor writes to the group, mentioning the operator')
  const question = `@${operatorLogin} can you stay an hour longer today?`
  await olga.fill('textarea[name=chat-text]', question)
  await olga.press('textarea[name=chat-text]', 'Enter')
  await $o('chat-message').filter({ hasText: 'can you stay an hour longer today?' }).waitFor({ timeout })

  say("the operator sees the group's unread count and the mention come live, and the badge beside Chat")
  await entry(anna, group).locator('[data-test="chat-unread"]', { hasText: '1' }).waitFor({ timeout })
  await entry(anna, group).locator('[data-test="chat-mentions"]', { hasText: '@1' }).waitFor({ timeout })
  await $a('nav-chat-unread').getByText('1').waitFor({ timeout })
  await screenshot(anna, 'chat-unread')

  say('she opens the group: the message is there, the count goes')
  await entry(anna, group).click()
  await $a('chat-message').filter({ hasText: 'can you stay an hour longer today?' }).waitFor({ timeout })
  await entry(anna, group).locator('[data-test="chat-unread"]').waitFor({ state: 'detached', timeout })
  await $a('nav-chat-unread').waitFor({ state: 'detached', timeout })

  say('she answers, and the supervisor sees the answer live')
  await anna.fill('textarea[name=chat-text]', 'Да, останусь до восьми.')
  await $a('chat-send').click()
  await $o('chat-message').filter({ hasText: 'Да, останусь до восьми.' }).waitFor({ timeout })
  await screenshot(olga, 'chat-group')

  check(problems.length === 0, `the pages reported:\n${problems.join('\n')}`)
})
