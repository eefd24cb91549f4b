// Browser tests of the web messenger: the real build/imhub (which serves web/dist) on a free
// loopback port, users with passwords, and Debian's chromium driven headless by playwright-core.
// Screenshots go to tests/web/artifacts/ (looked at before an issue is called resolved).
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, selectors } from 'playwright-core';
import { startServer } from '../integration/harness.mjs';

// The client marks what tests look for with data-test attributes.
selectors.setTestIdAttribute('data-test');

const here = dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = join(here, 'artifacts');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const WEB_DIST = join(here, '..', '..', 'web', 'dist');

// The flags a closed machine needs: without the background-networking ones Chromium keeps
// trying to reach Google's hosts.
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** A server with `people` ({name, email, password, admin?}) as users who can sign in. */
export async function startMessenger(people = [], opts = {}) {
  const server = await startServer({ webRoot: WEB_DIST, ...opts });
  const users = [];
  for (const p of people) {
    const args = ['user', 'add', '--name', p.name, ...(p.email ? ['--email', p.email] : []), ...(p.admin ? ['--admin'] : [])];
    const id = server.cli(...args).user_id;
    server.cli('user', 'passwd', String(id), '--password', p.password);
    users.push({ ...p, id });
  }
  return { server, users };
}

/** A new browser context (own cookies) at `server`, light or dark, desktop or phone width. */
export async function newPage(browser, server, { dark = false, phone = false } = {}) {
  const context = await browser.newContext({
    baseURL: server.base,
    colorScheme: dark ? 'dark' : 'light',
    viewport: phone ? { width: 390, height: 780 } : { width: 1280, height: 800 },
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  return page;
}

/** Signs in through the sign-in page and waits for the messenger. */
export async function signIn(page, login, password, path = '/online/') {
  await page.goto(path);
  await page.getByLabel('E-mail or user ID').fill(String(login));
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('recent-list').waitFor();
}

export async function shot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
