// Marketing offers (docs/offers.md): a marketer, in English, lands on the Offers page, is told which variable of a
// text is unknown, and creates an offer for one client; the operator, in Russian, takes that client's chat, finds the
// offer beside the client card, sends it (the conversation shows its text with the client's name filled) and
// activates it when the client accepts; the marketer's results then count it shown, sent and activated.
import { base, check, problems, required, run, say, screenshot, signIn, watchedPage } from './browser.mjs'

const account = required('OMNIGATE_WEBCHAT_ACCOUNT')
const operatorLogin = required('OMNIGATE_OPERATOR_LOGIN')
const operatorPassword = required('OMNIGATE_OPERATOR_PASSWORD')
const marketerLogin = required('OMNIGATE_MARKETER_LOGIN')
const marketerPassword = required('OMNIGATE_MARKETER_PASSWORD')
const tag = required('OMNIGATE_TAG')
const timeout = 15000
const client = `Vera ${tag}`
const title = `Cashback ${tag}`

await run(async (browser) => {
  const mContext = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } })
  const marketer = await watchedPage(mContext, [{ status: 400, path: '/api/v1/offers' }])
  const oContext = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1400, height: 900 } })
  const operator = await watchedPage(oContext)
  const $m = (test) => marketer.locator(`[data-test="${test}"]`)
  const $o = (test) => operator.locator(`[data-test="${test}"]`)

  say('the marketer signs in and lands on the Offers page')
  await signIn(marketer, marketerLogin, marketerPassword)
  await $m('offers-page').getByRole('heading', { name: 'Offers' }).waitFor({ timeout })

  say('a text with an unknown variable is refused, naming it')
  await $m('offer-new').click()
  await marketer.fill('input[name=offer-title]', title)
  await marketer.fill('textarea[name=offer-text]', 'Hello {client.nmae}')
  await $m('offer-save').click()
  await $m('error').getByText('{client.nmae}').waitFor({ timeout })

  say('the offer for one client is saved and listed as active')
  await marketer.fill('textarea[name=offer-text]', 'Hello {client.name}, 5% cashback for you')
  await marketer.fill('textarea[name=offer-client-fields]', `name = ${client}`)
  await marketer.fill('input[name=offer-priority]', '10')
  await $m('offer-save').click()
  const row = $m('offer-row').filter({ hasText: title })
  await row.waitFor({ timeout })
  await row.locator('[data-test="offer-state"]').getByText('active').waitFor({ timeout })
  await screenshot(marketer, 'offers-list')

  say('the client writes in the web chat')
  const session = await fetch(`${base}/api/v1/webchat/${account}/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: client }),
  }).then((r) => r.json())
  const sent = await fetch(`${base}/api/v1/webchat/${account}/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${session.token}` },
    body: JSON.stringify({ text: 'Any discounts for me?' }),
  })
  check(sent.status === 201, `the visitor's message answered ${sent.status}`)

  say('the operator, in Russian, turns ready and takes the chat')
  await signIn(operator, operatorLogin, operatorPassword)
  await $o('status-ready').click()
  await $o('offer').getByText(client).waitFor({ timeout })
  await $o('accept').click()
  await $o('conversation').getByText('Any discounts for me?').waitFor({ timeout })

  say('the offer is beside the client card')
  const offer = $o('fitting-offer').filter({ hasText: title })
  await offer.waitFor({ timeout })
  await $o('offers-panel').getByText('Предложения для клиента').waitFor({ timeout })

  say('sending it puts its text, with the client\'s name, in the conversation')
  await offer.locator('[data-test="offer-send"]').click()
  await $o('conversation').getByText(`Hello ${client}, 5% cashback for you`).waitFor({ timeout })

  say('the client accepts: the operator activates it')
  await offer.locator('[data-test="offer-activate"]').click()
  await offer.locator('[data-test="offer-done"]').getByText('активировано').waitFor({ timeout })
  await screenshot(operator, 'workspace-offers')

  say('the marketer sees it shown, sent and activated')
  await row.locator('[data-test="offer-results"]').click()
  const totals = $m('offer-result-totals')
  await totals.waitFor({ timeout })
  check((await totals.innerText()).replace(/\s+/g, ' ').trim() === 'Total 1 1 1',
        `the totals read ${await totals.innerText()}`)
  await $m('offer-result-row').getByText(operatorLogin).waitFor({ timeout })
  await screenshot(marketer, 'offers-results')

  check(problems.length === 0, `the pages reported:\n${problems.join('\n')}`)
})
