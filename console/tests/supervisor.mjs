// A supervisor's watch: the page in English for an English browser, the unified queue filtered to one queue
// growing live as clients write and grouped per channel, two interactions selected and transferred to another
// queue in one mass operation, the statistics board (the queue's waiting, marked live by a threshold an
// administrator sets meanwhile; the operator's time in status counting up), the operators board with each
// operator's load against capacity and a status changed there, and one interaction opened read-only from its
// row: its conversation and client card, assigned to the operator, and the other client merged into its client
// (the other interaction follows, live). Notices to the operator, whose workspace is open beside: one shows there
// live as a banner of its importance until they read it (the supervisor's list counts the reading live), another
// leaves it live when it is withdrawn. Then the reports of the day count what all that did: the queue KPIs per
// queue, the detailed report's chart, Russian headers, the CSV export, and the server's words for a bad period; and
// the report mailings, read-only, with a try-out sent and one refused in the SMTP server's words.
import { readFile } from 'node:fs/promises'
import { base, check, problems, required, run, say, screenshot, signIn, watchedPage } from './browser.mjs'

const account = required('OMNIGATE_WEBCHAT_ACCOUNT')
const login = required('OMNIGATE_SUPERVISOR_LOGIN')
const password = required('OMNIGATE_SUPERVISOR_PASSWORD')
const queue = required('OMNIGATE_QUEUE')
const otherQueue = required('OMNIGATE_OTHER_QUEUE')
const operator = required('OMNIGATE_OPERATOR')
const operatorLogin = required('OMNIGATE_OPERATOR_LOGIN')
const operatorPassword = required('OMNIGATE_OPERATOR_PASSWORD')
const tag = required('OMNIGATE_TAG')
const adminLogin = required('OMNIGATE_ADMIN_LOGIN')
const adminPassword = required('OMNIGATE_ADMIN_PASSWORD')
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

// A call as the business administrator (catalogs:write), over REST as the admin page does: a queue's thresholds, the
// report mailings. Answers the response.
async function asAdmin(method, path, body) {
  const signedIn = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: adminLogin, password: adminPassword }),
  })
  check(signedIn.status === 200, `the administrator's sign-in was answered ${signedIn.status}`)
  const { access_token: token } = await signedIn.json()
  return fetch(`${base}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

async function setThresholds(queueId, thresholds) {
  const changed = await asAdmin('PATCH', `/api/v1/queues/${queueId}`, { thresholds })
  check(changed.status === 200, `setting the thresholds was answered ${changed.status}: ${await changed.text()}`)
}

// A daily mailing of the queue KPIs to `recipient`, made and tried out at once; answers its id and the run's status.
async function mailingTriedOut(name, recipient) {
  const made = await asAdmin('POST', '/api/v1/mailings', {
    kind: 'periodic',
    name,
    recipients: [recipient],
    schedule: { every: 'daily', time: '08:00' },
    reports: [{ report: 'queue_kpis', period: 'yesterday' }],
    format: 'csv',
  })
  const mailing = await made.json()
  check(made.status === 201, `making the mailing was answered ${made.status}: ${JSON.stringify(mailing)}`)
  const ran = await asAdmin('POST', `/api/v1/mailings/${mailing.id}/run`)
  const run = await ran.json()
  check(ran.status === 201, `trying the mailing out was answered ${ran.status}: ${JSON.stringify(run)}`)
  return { id: mailing.id, status: run.status }
}

await run(async (browser) => {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 760 } })
  // The reports' period that ends before it starts: the server's 400, shown beside the form.
  const page = await watchedPage(context, [{ status: 400, path: '/api/v1/reports/queue_kpis' }])
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

  say('the statistics board shows both waiting in the queue they went to, and none left in the first')
  let boardReads = 0
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/v1/stats/online') boardReads++
  })
  await $('tab-stats').click()
  const statsRow = (id) => page.locator(`[data-test="stats-queue"][data-id="${id}"]`)
  const waiting = (where, value, level) =>
    where.locator(`.figure.level-${level}[data-key="waiting"][data-value="${value}"]`).waitFor({ timeout })
  await waiting(statsRow(otherQueue), 2, 'normal')
  await waiting(statsRow(queue), 0, 'normal')
  check(boardReads === 1, `opening the board read it ${boardReads} times`)

  say('a threshold the administrator sets on the queue marks its waiting live, with its target missed')
  await setThresholds(otherQueue, { waiting: { direction: 'above', warning: 1, critical: 5, target: 0 } })
  await waiting(statsRow(otherQueue), 2, 'warning')
  await statsRow(otherQueue).locator('[data-key="waiting"] [data-test="target"].missed').waitFor({ timeout })
  check(boardReads === 1, `the board was read again (${boardReads} reads) instead of following the published snapshot`)
  await statsRow(queue).locator('[data-key="waiting"][data-level="normal"]').waitFor({ timeout })

  say("the queue opens to its channels, each judged by the queue's thresholds")
  await statsRow(otherQueue).locator('[data-test="stats-expand"]').click()
  await waiting(page.locator('[data-test="stats-channel"][data-channel="webchat"]'), 2, 'warning')

  say('the operator shows with their status, its time counting up, and their load against capacity')
  const statsOperator = page.locator(`[data-test="stats-operator"][data-id="${operator}"]`)
  await statsOperator.getByText('Offline').waitFor({ timeout })
  await statsOperator.getByText('webchat 0/2').waitFor({ timeout })
  const inStatus = statsOperator.locator('[data-test="stats-in-status"]')
  const before = await inStatus.textContent()
  await page.waitForFunction(
    ([selector, text]) => document.querySelector(selector)?.textContent !== text,
    [`[data-test="stats-operator"][data-id="${operator}"] [data-test="stats-in-status"]`, before],
    { timeout: 5000 },
  )
  await screenshot(page, 'supervisor-stats')

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

  say("the operator's workspace is open beside, in Russian, following the broker")
  const deskContext = await browser.newContext({ locale: 'ru-RU', viewport: { width: 1280, height: 760 } })
  const desk = await watchedPage(deskContext)
  // The broker acknowledged the workspace's subscription (an MQTT SUBACK, packet type 9): from now on what the
  // operator sees comes live.
  const subscribed = new Promise((resolve) =>
    desk.on('websocket', (socket) =>
      socket.on('framereceived', ({ payload }) => typeof payload !== 'string' && payload[0] >> 4 === 9 && resolve()),
    ),
  )
  await signIn(desk, operatorLogin, operatorPassword)
  await desk.locator('[data-test="status-now"]').waitFor({ timeout })
  await subscribed
  const banner = (text) => desk.locator('[data-test="notice"]').filter({ hasText: text })
  const sentRow = (text) => $('sent-notice').filter({ hasText: text })

  say('an urgent notice to the operator shows on their workspace live, as a red banner')
  const urgent = `The CRM is down until 14:00 ${tag}`
  await $('tab-notices').click()
  await page.selectOption('select[name=notice-audience]', 'operator')
  await page.selectOption('select[name=notice-audience-id]', operator)
  await page.selectOption('select[name=notice-importance]', 'urgent')
  await page.fill('textarea[name=notice-text]', urgent)
  await $('notice-send').click()
  await $('notice-outcome').getByText('Sent. Recipients: 1.').waitFor({ timeout })
  await banner(urgent).getByText('Срочное').waitFor({ timeout })
  check((await banner(urgent).getAttribute('data-importance')) === 'urgent', 'the banner is not the urgent one')
  const colour = await banner(urgent).evaluate((element) => getComputedStyle(element).backgroundColor)
  check(colour === 'rgb(253, 236, 234)', `the urgent banner is coloured ${colour}`)
  await sentRow(urgent).locator('[data-test="notice-reads"]', { hasText: '0 of 1' }).waitFor({ timeout })
  await screenshot(desk, 'workspace-notice')

  say("'Got it' takes the banner down, and the supervisor's list counts it read live")
  await banner(urgent).locator('[data-test="notice-read"]').click()
  await banner(urgent).waitFor({ state: 'detached', timeout })
  await sentRow(urgent).locator('[data-test="notice-reads"]', { hasText: '1 of 1' }).waitFor({ timeout })

  say("a notice to the operator's group, withdrawn before it is read, leaves the workspace live")
  const important = `Please call the team lead ${tag}`
  await page.selectOption('select[name=notice-audience]', 'group')
  await page.selectOption('select[name=notice-audience-id]', `team-${tag}`)
  await page.selectOption('select[name=notice-importance]', 'important')
  await page.fill('textarea[name=notice-text]', important)
  await $('notice-send').click()
  await banner(important).getByText('Важное').waitFor({ timeout })
  check((await banner(important).getAttribute('data-importance')) === 'important', 'the banner is not the important one')
  await screenshot(page, 'supervisor-notices')
  await sentRow(important).locator('[data-test="notice-withdraw"]').click()
  await banner(important).waitFor({ state: 'detached', timeout })
  await sentRow(important).locator('[data-test="notice-expired"]').waitFor({ timeout })
  await sentRow(important).locator('[data-test="notice-reads"]', { hasText: '0 of 1' }).waitFor({ timeout })
  await deskContext.close()

  say("the queue KPIs of today count both queues' visits: two transferred out of the first, one answered in the other")
  await $('nav-reports').click()
  const report = (name) => page.locator(`[data-test="report"][data-name="${name}"]`)
  await report('queue_kpis').click()
  const today = await page.inputValue('input[name=from]')
  check(today !== '' && (await page.inputValue('input[name=to]')) === today, 'the period is not today by default')
  await page.selectOption('select[name=filter-queue]', [queue, otherQueue])
  await $('report-run').click()
  const reportRow = (id) => $('report-row').filter({ has: page.locator(`td[data-key="queue"]`, { hasText: id }) })
  const cell = (where, key) => where.locator(`td[data-key="${key}"]`)
  const expectCells = async (where, cells) => {
    for (const [key, text] of Object.entries(cells)) {
      const shown = (await cell(where, key).textContent({ timeout }))?.trim()
      check(text instanceof RegExp ? text.test(shown) : shown === text, `${key} shows '${shown}', not '${text}'`)
    }
  }
  await reportRow(queue).waitFor({ timeout })
  check((await $('report-row').count()) === 2, 'the queue KPIs have other rows than the two queues')
  await expectCells(reportRow(queue), {
    queue_name: 'Chat', channel: 'webchat', offered: '2', answered: '0', transferred_out: '2',
    abandonment_rate_percent: '0.0 %', average_speed_of_answer_seconds: '—',
  })
  await expectCells(reportRow(otherQueue), {
    offered: '1', answered: '1', transferred_out: '0', average_speed_of_answer_seconds: /^\d+:\d\d$/,
  })
  await expectCells($('report-totals'), { queue: 'Total', offered: '3', answered: '1', transferred_out: '2' })
  check(
    (await $('report-totals').locator('td').first().evaluate((td) => getComputedStyle(td).fontWeight)) === '700',
    'the totals are not bold',
  )

  say('the detailed report of the day, hour by hour, draws offered, answered and abandoned as a chart')
  await report('contact_centre_detailed').click()
  await page.locator('select[name=interval]').waitFor({ timeout })
  await $('report-run').click()
  await $('report-chart').waitFor({ timeout })
  check((await $('report-row').count()) === 24, 'the day is not 24 hours')
  const series = await $('chart-series').evaluateAll((paths) => paths.map((p) => p.dataset.key))
  check(series.join() === 'offered,answered,abandoned', `the chart draws ${series.join()}`)
  await $('chart-legend').getByText('Answered').waitFor({ timeout })
  await expectCells($('report-totals'), { offered: '3', answered: '1', abandoned: '0' })
  await screenshot(page, 'supervisor-reports')

  say('in Russian the report, its columns and its totals are named in Russian')
  await page.selectOption('[data-test="language"]', 'ru')
  await page.locator('th[data-key="offered"]', { hasText: 'Поступило' }).waitFor({ timeout })
  await report('contact_centre_detailed').getByText('Контакт-центр, детально').waitFor({ timeout })
  await expectCells($('report-totals'), { interval: 'Итого' })
  await $('chart-legend').getByText('Принято').waitFor({ timeout })

  say('the queue KPIs download as CSV for the same query: its header, the first queue and the totals')
  await report('queue_kpis').click()
  const [csv] = await Promise.all([page.waitForEvent('download', { timeout }), $('export-csv').click()])
  check(csv.suggestedFilename() === `queue_kpis-${today}-${today}.csv`, `the file is named ${csv.suggestedFilename()}`)
  const lines = (await readFile(await csv.path(), 'utf8')).split('\r\n')
  check(lines[0].startsWith('\ufeffQueue,Queue name,Channel,Offered,Answered,Abandoned,'), `the header is ${lines[0]}`)
  check(lines.some((l) => l.startsWith(`${queue},Chat,webchat,2,0,0,0,2,`)), `no row of ${queue}:\n${lines.join('\n')}`)
  check(lines.some((l) => l.startsWith('Total,,,3,1,0,0,2,')), `no totals:\n${lines.join('\n')}`)

  say("a period that ends before it starts is refused in the server's words, beside the form")
  const dayBefore = new Date(Date.parse(`${today}T00:00:00Z`) - 86400000).toISOString().slice(0, 10)
  await page.fill('input[name=to]', dayBefore)
  await $('report-run').click()
  await $('report-error').getByText(`'to' (${dayBefore}) is before 'from' (${today})`).waitFor({ timeout })
  check((await $('report-table').count()) === 0, 'a refused report still shows a table')

  say('the mailings are listed read-only: two a business administrator made and tried out, each with its run')
  const sent = await mailingTriedOut(`Queues every morning ${tag}`, `head-${tag}@omnigate.test`)
  check(sent.status === 'sent', `the first mailing's try-out ${sent.status}`)
  const refused = await mailingTriedOut(`Queues to nobody ${tag}`, `reject-${tag}@omnigate.test`)
  check(refused.status === 'failed', `the refused mailing's try-out ${refused.status}`)
  await $('mailings-choice').click()
  const mailing = (id) => page.locator(`[data-test="mailing"][data-id="${id}"]`)
  await mailing(sent.id).getByText('периодическая').waitFor({ timeout })
  await mailing(sent.id).locator('td').nth(3).getByText('да').waitFor({ timeout })
  check(/\d/.test(await mailing(sent.id).locator('td').nth(2).textContent()), 'the mailing shows no next run')
  await mailing(sent.id).locator('[data-test="mailing-runs"]').click()
  await page.locator('[data-test="mailing-run"][data-status="sent"]').getByText('пробный').waitFor({ timeout })

  say("a refused run shows the SMTP server's reply")
  await mailing(refused.id).locator('[data-test="mailing-runs"]').click()
  const failed = page.locator('[data-test="mailing-run"][data-status="failed"]')
  await failed.getByText('не отправлена, попыток: 1').waitFor({ timeout })
  await failed.locator('[data-test="mailing-run-reply"]', { hasText: /550.*Recipient address rejected/ }).waitFor({ timeout })
  await screenshot(page, 'supervisor-mailings')

  check(problems.length === 0, `the pages reported errors:\n${problems.join('\n')}`)
})
