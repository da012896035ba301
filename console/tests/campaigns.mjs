// Outbound campaigns (docs/campaigns.md): a marketer, in English, opens the Campaigns page, is told an email
// campaign needs a subject, counts the audience of a city, saves the campaign as a draft and launches it; the list's
// totals follow the sending until every recipient is sent and the campaign finished; the results count them, and
// export as CSV and XLSX; the finished campaign is deleted.
//
// tests/console/console_browser_test.cpp (ConsoleCampaigns) gives the daemon an email account sending through the test
// SMTP receiver, campaigns.public_url and campaigns.unsubscribe_secret, and OMNIGATE_CAMPAIGN_EXPECTED clients with
// an email address whose card has `city` = OMNIGATE_CAMPAIGN_CITY (OMNIGATE_CAMPAIGN_ACCOUNT names the account).
import { readFile } from 'node:fs/promises'
import { check, problems, required, run, say, screenshot, signIn, watchedPage } from './browser.mjs'

const marketerLogin = required('OMNIGATE_MARKETER_LOGIN')
const marketerPassword = required('OMNIGATE_MARKETER_PASSWORD')
const tag = required('OMNIGATE_TAG')
const account = required('OMNIGATE_CAMPAIGN_ACCOUNT')
const city = required('OMNIGATE_CAMPAIGN_CITY')
const expected = Number(required('OMNIGATE_CAMPAIGN_EXPECTED'))
const timeout = 15000
// At 60 messages a minute a handful of recipients is sent well within this.
const sendingTimeout = 60000
const name = `Spring sale ${tag}`

// A cell that reads exactly `value` (a total of 1 must not match 10).
const exactly = (value) => ({ hasText: new RegExp(`^\\s*${value}\\s*$`) })

await run(async (browser) => {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1400, height: 900 } })
  const page = await watchedPage(context, [{ status: 400, path: '/api/v1/campaigns' }])
  const $ = (test) => page.locator(`[data-test="${test}"]`)

  say('the marketer signs in and opens the Campaigns page')
  await signIn(page, marketerLogin, marketerPassword)
  await $('nav-campaigns').click()
  await $('campaigns-page').getByRole('heading', { name: 'Campaigns' }).waitFor({ timeout })

  say('an email campaign without a subject is refused, naming the field')
  await $('campaign-new').click()
  await $('campaign-name').fill(name)
  await page.fill('textarea[name=description]', 'The browser test\'s campaign')
  await page.selectOption('select[name=channel]', 'email')
  await page.fill('input[name=account]', account)
  await page.fill('textarea[name=client-fields]', `card.city = ${city}`)
  await page.fill('textarea[name=text]', 'Hello {client.name}')
  await $('campaign-save').click()
  await $('error').getByText('subject').waitFor({ timeout })

  say(`the audience of ${city} is counted: ${expected}`)
  await page.fill('input[name=subject]', `Spring sale in ${city}`)
  await $('count-audience').click()
  await $('audience-count').getByText(`Recipients: ${expected}`, { exact: true }).waitFor({ timeout })

  say('the campaign is saved as a draft')
  await $('campaign-save').click()
  const row = $('campaign').filter({ hasText: name })
  await row.locator('[data-test="campaign-state"]').getByText('draft').waitFor({ timeout })
  await screenshot(page, 'campaigns-draft')

  say('launched, the list follows it until every recipient is sent and it is finished')
  await row.locator('[data-test="launch"]').click()
  await row.locator('[data-test="total-sent"]').filter(exactly(expected)).waitFor({ timeout: sendingTimeout })
  await row.locator('[data-test="campaign-state"]').getByText('finished').waitFor({ timeout })
  await row.locator('[data-test="total-targeted"]').filter(exactly(expected)).waitFor({ timeout })
  await row.locator('[data-test="total-failed"]').filter(exactly(0)).waitFor({ timeout })
  check(await row.locator('[data-test="launch"], [data-test="pause"], [data-test="cancel"]').count() === 0,
        'a finished campaign still offers to launch, pause or cancel it')
  await screenshot(page, 'campaigns-finished')

  say('its results count every recipient targeted and sent, none failed')
  await row.locator('[data-test="show-results"]').click()
  const results = $('campaign-results')
  await results.locator('[data-test="total-targeted"]').filter(exactly(expected)).waitFor({ timeout })
  await results.locator('[data-test="total-sent"]').filter(exactly(expected)).waitFor({ timeout })
  await results.locator('[data-test="total-failed"]').filter(exactly(0)).waitFor({ timeout })
  await results.locator('[data-test="no-failures"]').waitFor({ timeout })
  await screenshot(page, 'campaigns-results')

  say('the results download as CSV: a header, a line per recipient, the totals')
  const [csv] = await Promise.all([page.waitForEvent('download', { timeout }), $('export-csv').click()])
  const lines = (await readFile(await csv.path(), 'utf8')).replace(/^\ufeff/, '').split(/\r?\n/).filter((l) => l !== '')
  check(/\bstate\b/i.test(lines[0] ?? ''), `the header is ${lines[0]}`)
  check(lines.length === expected + 2, `the CSV has ${lines.length} lines, not ${expected + 2}:\n${lines.join('\n')}`)

  say('… and as XLSX')
  const [xlsx] = await Promise.all([page.waitForEvent('download', { timeout }), $('export-xlsx').click()])
  const bytes = await readFile(await xlsx.path())
  // An XLSX is a zip archive.
  check(bytes.subarray(0, 2).toString() === 'PK', 'the XLSX download is not a zip archive')

  say('in Russian the page and its totals are named in Russian')
  await $('language').selectOption('ru')
  await $('campaigns-page').getByRole('heading', { name: 'Рассылки' }).waitFor({ timeout })
  await row.locator('[data-test="campaign-state"]').getByText('завершена').waitFor({ timeout })

  say('the finished campaign is deleted, once confirmed')
  page.once('dialog', (dialog) => void dialog.accept())
  await row.locator('[data-test="delete"]').click()
  await row.waitFor({ state: 'detached', timeout })
  check(await results.count() === 0, 'the deleted campaign\'s results are still shown')

  check(problems.length === 0, `the pages reported:\n${problems.join('\n')}`)
})
