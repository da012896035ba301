// What the web console costs its users, measured in Debian's chromium against a running daemon (bench/console/run.sh
// starts one):
//   1. the scripts and styles of the first load (the sign-in page), and what the workspace adds, raw and gzipped;
//   2. how long from pressing "Sign in" until the operator's workspace is usable: the status shown, the list read,
//      and the broker connection subscribed (its second frame, the SUBACK, received); each run in a fresh context,
//      so with a cold cache;
//   3. with --queue interactions in the unified queue, how long from a client's message to the supervisor's page
//      counting it (the page re-reads at most once a second, so that second is part of the figure).
// Options: --url http://127.0.0.1:29180 --account bench --runs 10 --queue 5000
import { createRequire } from 'node:module'
import { gzipSync } from 'node:zlib'

// playwright-core is the console's development dependency: resolved from console/node_modules.
const require = createRequire(new URL('../../console/package.json', import.meta.url))
const { chromium } = require('playwright-core')

const options = { url: '', account: 'bench', runs: 10, queue: 5000 }
for (let i = 2; i < process.argv.length; i += 2) {
  const name = process.argv[i].replace(/^--/, '')
  if (!(name in options)) {
    console.error(`measure: unknown option --${name} (--url, --account, --runs, --queue)`)
    process.exit(2)
  }
  options[name] = typeof options[name] === 'number' ? Number(process.argv[i + 1]) : process.argv[i + 1]
}
const base = options.url

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`
}
function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

async function signIn(page, login, password) {
  await page.fill('input[name=login]', login)
  await page.fill('input[name=password]', password)
  await page.click('button[type=submit]')
}

// A client writing in the web chat; `count` of them, `parallel` at a time.
async function clientsWrite(count, parallel = 16) {
  let next = 0
  async function one() {
    while (next < count) {
      const n = next++
      const session = await fetch(`${base}/api/v1/webchat/${options.account}/sessions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: `Client ${n}` }),
      }).then((r) => r.json())
      const sent = await fetch(`${base}/api/v1/webchat/${options.account}/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${session.token}` },
        body: JSON.stringify({ text: `Question ${n}` }),
      })
      if (sent.status !== 201) throw new Error(`a client's message was answered ${sent.status}`)
    }
  }
  await Promise.all(Array.from({ length: parallel }, one))
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] })
try {
  // 1. What the first load and the workspace download.
  {
    const context = await browser.newContext()
    const page = await context.newPage()
    const loaded = []
    page.on('response', async (response) => {
      const type = response.request().resourceType()
      if (type !== 'script' && type !== 'stylesheet') return
      const body = await response.body()
      loaded.push({ url: new URL(response.url()).pathname, raw: body.length, gzip: gzipSync(body).length })
    })
    await page.goto(`${base}/console/`)
    await page.locator('input[name=login]').waitFor()
    await page.waitForLoadState('networkidle')
    const first = [...loaded]
    await signIn(page, 'operator', 'bench-operator-password')
    await page.locator('[data-test="status-now"]').waitFor()
    await page.waitForLoadState('networkidle')
    const added = loaded.slice(first.length)
    const sum = (list, key) => list.reduce((total, file) => total + file[key], 0)
    console.log('first load (the sign-in page):')
    for (const f of first) console.log(`  ${f.url}  ${kb(f.raw)}, gzip ${kb(f.gzip)}`)
    console.log(`  total ${kb(sum(first, 'raw'))}, gzip ${kb(sum(first, 'gzip'))}`)
    console.log('added by the workspace (loaded after signing in):')
    for (const f of added) console.log(`  ${f.url}  ${kb(f.raw)}, gzip ${kb(f.gzip)}`)
    await context.close()
  }

  // 2. Sign-in to a usable workspace, cold each time.
  {
    const times = []
    for (let run = 0; run < options.runs; ++run) {
      const context = await browser.newContext()
      const page = await context.newPage()
      let frames = 0
      let subscribed
      const subscription = new Promise((resolve) => (subscribed = resolve))
      page.on('websocket', (socket) => socket.on('framereceived', () => ++frames === 2 && subscribed()))
      await page.goto(`${base}/console/`)
      await page.locator('input[name=login]').waitFor()
      const start = performance.now()
      await signIn(page, 'operator', 'bench-operator-password')
      await page.locator('[data-test="status-now"]').waitFor()
      await page.locator('.list-tabs').waitFor()
      await subscription
      times.push(performance.now() - start)
      await context.close()
    }
    console.log(`sign-in to a usable workspace (${options.runs} runs, cold): median ${median(times).toFixed(0)} ms, ` +
      `worst ${Math.max(...times).toFixed(0)} ms`)
  }

  // 3. The unified queue with thousands listed.
  {
    const started = performance.now()
    await clientsWrite(options.queue)
    console.log(`filled the queue with ${options.queue} interactions in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${base}/console/`)
    const shown = performance.now()
    await signIn(page, 'supervisor', 'bench-supervisor-password')
    let count = options.queue
    await page.locator('[data-test="tab-queue"]').getByText(`(${count})`).waitFor({ timeout: 60000 })
    console.log(`the supervisor's page listing ${count}: ${(performance.now() - shown).toFixed(0)} ms from signing in`)
    const times = []
    for (let run = 0; run < 5; ++run) {
      const start = performance.now()
      await clientsWrite(1, 1)
      ++count
      await page.locator('[data-test="tab-queue"]').getByText(`(${count})`).waitFor({ timeout: 30000 })
      times.push(performance.now() - start)
    }
    console.log(`a new interaction counted in the unified queue of ${options.queue}: median ${median(times).toFixed(0)} ms, ` +
      `worst ${Math.max(...times).toFixed(0)} ms (5 runs; the page re-reads at most once a second)`)
    await context.close()
  }
} finally {
  await browser.close()
}
