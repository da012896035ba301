// What every browser scenario shares: Debian's chromium through playwright-core (no browser download: the
// machines cannot fetch one), numbered steps on stdout, and on failure a screenshot and a non-zero exit. Any error
// in the page's console (a script error, a refused Content-Security-Policy) fails the scenario too.
import { mkdirSync } from 'node:fs'
import { chromium } from 'playwright-core'

export const base = required('OMNIGATE_CONSOLE_URL')
const screenshots = process.env.OMNIGATE_SCREENSHOTS ?? 'test-results'
mkdirSync(screenshots, { recursive: true })

export function required(name) {
  const value = process.env[name]
  if (!value) {
    console.error(`${name} is not set: run the scenario through its ctest test (label browser)`)
    process.exit(2)
  }
  return value
}

let step = 0
export function say(text) {
  console.log(`${++step}. ${text}`)
}

export function check(condition, message) {
  if (!condition) throw new Error(message)
}

// What went wrong in the pages so far: a scenario fails at its end when anything is here, and a failure shows it.
export const problems = []

// A page whose console errors, uncaught exceptions and failed requests go to `problems`. A request a scenario
// expects to fail (a wrong password's 401) is named in `expected`: [{status, path}].
export async function watchedPage(context, expected = []) {
  const page = await context.newPage()
  page.on('console', (message) => {
    // A failed request is reported below with its address, and only when it was not expected.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${message.text()}`)
    }
  })
  page.on('response', (response) => {
    if (response.status() < 400) return
    const path = new URL(response.url()).pathname
    if (!expected.some((e) => e.status === response.status() && e.path === path)) {
      problems.push(`request: ${response.request().method()} ${path} answered ${response.status()}`)
    }
  })
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`))
  page.on('requestfailed', (request) => {
    // The favicon a page asks for by itself is no part of any scenario.
    if (!request.url().endsWith('/favicon.ico')) problems.push(`request: ${request.url()} failed: ${request.failure()?.errorText}`)
  })
  return page
}

// Opens the console and signs in; the caller waits for the page it expects.
export async function signIn(page, login, password) {
  await page.goto(`${base}/console/`)
  await page.fill('input[name=login]', login)
  await page.fill('input[name=password]', password)
  await page.click('button[type=submit]')
}

export async function screenshot(page, name) {
  await page.screenshot({ path: `${screenshots}/${name}.png` })
}

// Runs `scenario(browser)`; exits 0 when it returns, 1 with the error (and a screenshot of every open page) when it
// throws.
export async function run(scenario) {
  const browser = await chromium.launch({
    executablePath: process.env.OMNIGATE_CHROMIUM ?? '/usr/bin/chromium',
    // As root (the test machines) chromium's sandbox cannot start.
    args: ['--no-sandbox'],
  })
  let failed = false
  try {
    await scenario(browser)
  } catch (error) {
    failed = true
    console.error(`FAILED at step ${step}: ${error.stack ?? error}`)
    if (problems.length) console.error(`the pages reported:\n${problems.join('\n')}`)
    let n = 0
    for (const context of browser.contexts()) {
      for (const page of context.pages()) {
        await page.screenshot({ path: `${screenshots}/failure-${++n}.png` }).catch(() => undefined)
        console.error(`page ${n} (${page.url()}): screenshot ${screenshots}/failure-${n}.png`)
      }
    }
  } finally {
    await browser.close()
  }
  process.exit(failed ? 1 : 0)
}
