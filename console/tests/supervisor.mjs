// A supervisor's watch: the page in English for an English browser, the unified queue filtered to one queue
// growing live as clients write and grouped per channel, two interactions selected and transferred to another
// queue in one mass operation, the operators board with each operator's load against capacity and a status
// changed there, and one interaction opened read-only from its row: its conversation and client card, assigned to
// the operator, and the other client merged into its client (the other interaction follows, live).
import { base, check, problems, required, run, say, screenshot, signIn, watchedPage } from './browser.mjs'

const account = required('OMNIGATE_WEBCHAT_ACCOUNT')
const login = required('OMNIGATE_SUPERVISOR_LOGIN')
const password = required('OMNIGATE_SUPERVISOR_PASSWORD')
const queue = required('OMNIGATE_QUEUE')
const otherQueue = required('OMNIGATE_OTHER_QUEUE')
const operator = required('OMNIGATE_OPERATOR')
const tag = required('OMNIGATE_TAG')
const timeout = 15000

// A client writing in the web chat, straight through its REST API; answers the interaction's id.
async function clientWrites(name, text) {
  const session = await fetch(`${base}/api/v1/webchat/${account}/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  }).then((r) => r.json())
  const message = await fetch(`${base}/api/v1/webchat/${account}/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${session.token}` },
    body: JSON.stringify({ text }),
  })
  check(message.status === 201, `the client's message was answered ${message.status}`)
  return (await message.json()).interaction_id
}

await run(async (browser) => {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 760 } })
  const page = await watchedPage(context)
  const $ = (test) => page.locator(`[data-test="${test}"]`)
  const row = (id) => page.locator(`[data-test="queue-row"][data-id="${id}"]`)

  say('the sign-in page speaks English to an English browser')
  await page.goto(`${base}/console/`)
  await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout })

  say('a supervisor lands on the unified queue')
  await signIn(page, login, password)
  await $('tab-queue').waitFor({ timeout })
  await page.selectOption('select[name=queue]', queue)

  say('interactions appear live as clients write')
  const first = await clientWrites(`Olga ${tag}`, 'My parcel is late')
  await row(first).waitFor({ timeout })
  const second = await clientWrites(`Boris ${tag}`, 'Wrong size delivered')
  await row(second).waitFor({ timeout })
  await page.selectOption('select[name=group-by]', 'channel')
  await $('groups').getByText('webchat: 2').waitFor({ timeout })
  await screenshot(page, 'supervisor-queue')

  say('both are transferred to another queue in one mass operation')
  await row(first).locator('input[type=checkbox]').check()
  await row(second).locator('input[type=checkbox]').check()
  await $('bulk').getByText('Selected: 2').waitFor({ timeout })
  await page.selectOption('select[name=action]', 'transfer')
  await page.selectOption('select[name=target-queue]', otherQueue)
  await $('bulk-run').click()
  await $('bulk-outcome').getByText('Done: 2, failed: 0.').waitFor({ timeout })
  await row(first).waitFor({ state: 'detached', timeout })
  await row(second).waitFor({ state: 'detached', timeout })
  await page.selectOption('select[name=queue]', otherQueue)
  await row(first).waitFor({ timeout })
  await row(second).waitFor({ timeout })

  say('the operators board shows the operator with their capacity, and turns them ready')
  await $('tab-operators').click()
  const board = $('operator-row').filter({ hasText: operator })
  await board.waitFor({ timeout })
  await board.getByText('webchat 0/2').waitFor({ timeout })
  await screenshot(page, 'supervisor-operators')
  await board.getByRole('button', { name: 'Ready' }).click()
  await board.locator('td').nth(1).getByText('Ready').waitFor({ timeout })

  say('an interaction opens read-only from its row, with its client, and is assigned to the operator')
  await $('tab-queue').click()
  await row(first).locator('[data-test="open-interaction"]').click()
  await $('interaction-view').getByText('My parcel is late').waitFor({ timeout })
  await $('client-card').getByRole('heading', { name: `Olga ${tag}` }).waitFor({ timeout })
  check((await $('composer').count()) === 0, "a supervisor's view of an interaction has a composer")
  await page.selectOption('select[name=assignee]', operator)
  await $('assign').click()
  await row(first).getByText(operator).waitFor({ timeout })

  say("the other client is merged into this one, and their interaction follows live")
  page.on('dialog', (dialog) => void dialog.accept())
  await $('client-link').click()
  await page.fill('input[name=client-search]', `Boris ${tag}`)
  await page.locator('.client-find button').click()
  await $('client-found').getByText(`Boris ${tag}`).waitFor({ timeout })
  await $('client-merge').first().click()
  await row(second).getByText(`Olga ${tag}`).waitFor({ timeout })
  await screenshot(page, 'supervisor-interaction')

  check(problems.length === 0, `the pages reported errors:\n${problems.join('\n')}`)
})
