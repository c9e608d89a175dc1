// The console in Debian's Chromium against a running relais fed by real SMTP:
// log in, see the relay's health and certificate expiry, watch a delivery
// raise the overview counter live, work the queue (timeline, retry, hold,
// release, bulk delete), add and remove a suppression, add and disable an
// admin, get a spike toast, switch language, and see hostile remote text
// (replies, subjects) rendered as text. Screenshots of each page go to
// test-results/.
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminAccounts } from '../../relay-core/accounts/index.ts';
import { hasChromium, launchBrowser, screenshot } from '../support/browser.ts';
import { waitFor } from '../support/relay.ts';
import { startMailWorld, type MailWorld } from '../support/world.ts';

const XSS = '<img src=x onerror="window.__xss=1">';
let world: MailWorld;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  if (!hasChromium) return;
  world = await startMailWorld(['127.0.0.15', '127.0.0.16'], {
    RELAIS_HTTP_PLAIN: 'false', RELAIS_TRUSTED_NETWORKS: '127.0.0.1/32',
    // Deferred mail stays in the queue for the test to act on.
    RELAIS_RETRY_FIRST_MS: '3600000', RELAIS_RETRY_MAX_MS: '3600000',
  }, {
    answerFor: (address) => (address.startsWith('xss') ? { code: 450, text: `4.2.0 Mailbox busy ${XSS}` } : null),
  });
  await new AdminAccounts({ db: world.relay.db }).add('root', 'a long admin password');
  base = `https://127.0.0.1:${world.relay.httpPort}`;
  browser = await launchBrowser();
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await world?.close();
});

const submit = (to: string, subject = 'hello') =>
  nodemailer.createTransport({ host: '127.0.0.1', port: world.relay.smtpPort, secure: false, ignoreTLS: true })
    .sendMail({ from: 'app@example.org', to, subject, text: 'x' });

const counter = async (name: string) => Number((await page.getByTestId(`counter-${name}`).innerText()).replace(/\D+/g, '') || '0');

describe.skipIf(!hasChromium)('console', () => {
  it('logs in', async () => {
    await page.goto(base);
    await page.getByTestId('login-form').waitFor();
    await screenshot(page, 'login');
    await page.getByTestId('login-login').fill('root');
    await page.getByTestId('login-password').fill('wrong password!');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-problem').waitFor();
    await page.getByTestId('login-password').fill('a long admin password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('counters').waitFor();
  });

  it('shows the health of the relay with the certificate and the days before it expires', async () => {
    await page.getByTestId('health-certificate').waitFor();
    expect(await page.getByTestId('health-database').getAttribute('data-ok')).toBe('true');
    expect(await page.getByTestId('health-smtp').getAttribute('data-ok')).toBe('true');
    const certificate = page.getByTestId('health-certificate');
    expect(Number(await certificate.getAttribute('data-days-left'))).toBeGreaterThan(800);
    expect(await certificate.getAttribute('data-expiring')).toBe('false');
    expect(await certificate.innerText()).toMatch(/CN=relais\.test[\s\S]*self-signed[\s\S]*expires .*\d+ day\(s\) left/);
  });

  it('raises the delivered counter live when a message is delivered, without reload', async () => {
    await page.waitForTimeout(1000);
    const before = await counter('delivered');
    await submit('accept-live@dest.test');
    await waitFor(async () => (await counter('delivered')) > before, 20_000, 'the counter to rise');
    await screenshot(page, 'overview');
  });

  it('shows a deferred entry with its reply as text, retries, holds, releases and bulk-deletes', async () => {
    await submit('full-console@dest.test');
    await submit('xss-console@dest.test', `Subject ${XSS}`);
    await waitFor(async () => (await world.relay.admin.list()).filter((m) => m.recipients.every((r) => r.state === 'deferred')).length === 2, 20_000, 'two deferrals');
    await page.getByTestId('nav-queue').click();
    await page.getByTestId('queue-row').first().waitFor();
    expect(await page.getByTestId('queue-row').count()).toBe(2);
    await page.getByTestId('queue-details').first().click();
    await page.getByTestId('recipient-reply').first().waitFor();
    const replies = await page.getByTestId('recipient-reply').allInnerTexts();
    expect(replies.join(' ')).toMatch(/4\.2\.[02]/);
    await screenshot(page, 'queue');
    // The delivery timeline: each attempt with its time, MX, TLS and answer.
    await page.getByTestId('recipient-history-toggle').first().click();
    await page.getByTestId('history-attempt').first().waitFor();
    const attemptText = await page.getByTestId('history-attempt').first().innerText();
    expect(attemptText).toContain('mx.dest.test');
    expect(attemptText).toMatch(/4\.2\.[02]/);

    const row = page.getByTestId('queue-row').first();
    await row.getByTestId('action-retry').click();
    // Retried at once: held only once the attempt is over and the recipient waits again.
    await waitFor(async () => (await world.relay.admin.list({ state: 'active' })).length === 0, 10_000, 'the retry');
    await page.waitForTimeout(500);
    await row.getByTestId('action-hold').click();
    await waitFor(async () => (await world.relay.admin.list({ state: 'held' })).length === 1, 10_000, 'a held entry');
    await row.getByTestId('action-release').click();
    await waitFor(async () => (await world.relay.admin.list({ state: 'held' })).length === 0, 10_000, 'the release');

    await page.getByTestId('select-all').check();
    await page.getByTestId('bulk-selected').getByTestId('action-delete').click();
    await page.getByTestId('confirm-dialog').waitFor();
    await page.getByTestId('confirm-ok').click();
    await waitFor(async () => (await world.relay.admin.list()).length === 0, 10_000, 'an empty queue');
  });

  it('renders hostile remote text as text: no markup from mail data ever runs', async () => {
    await submit('xss-again@dest.test', `Subject ${XSS}`);
    await waitFor(async () => (await world.relay.admin.list()).some((m) => m.recipients.some((r) => r.state === 'deferred')), 20_000, 'a deferral');
    await page.reload();
    await page.getByTestId('queue-row').first().waitFor();
    await page.getByTestId('queue-details').first().click();
    await page.getByTestId('recipient-reply').first().waitFor();
    expect(await page.getByTestId('recipient-reply').first().innerText()).toContain(XSS);
    expect(await page.getByTestId('queue-subject').first().innerText()).toBe(`Subject ${XSS}`);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
  });

  it('adds and removes a suppression by hand', async () => {
    await page.getByTestId('nav-suppressions').click();
    await page.getByTestId('suppression-address').fill('gone@dest.test');
    await page.getByTestId('suppression-reason').fill('left the company');
    await page.getByTestId('suppression-add').click();
    await page.getByTestId('suppression-row').first().waitFor();
    expect(await page.getByTestId('suppression-row').first().innerText()).toContain('left the company');
    await screenshot(page, 'suppressions');
    await page.getByTestId('suppression-remove').first().click();
    await waitFor(async () => (await world.relay.suppressions.list()).length === 0, 10_000, 'the removal');
  });

  it('lists the admins in settings and adds one, who has a disable button and root none', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('admin-row').first().waitFor();
    expect(await page.getByTestId('admin-row').allInnerTexts()).toEqual([expect.stringContaining('root')]);
    expect(await page.getByLabel('Password').first().getAttribute('data-testid')).toBe('admin-password');
    await page.getByTestId('admin-login').fill('carol');
    await page.getByTestId('admin-password').fill('carol password 1');
    await page.getByTestId('admin-add').click();
    await page.locator('[data-testid="admin-row"][data-login="carol"]').waitFor();
    expect(await new AdminAccounts({ db: world.relay.db }).authenticate('carol', 'carol password 1')).toEqual({ login: 'carol' });
    expect(await page.locator('[data-testid="admin-row"][data-login="root"]').getByTestId('admin-disable').count()).toBe(0);
    const carol = page.locator('[data-testid="admin-row"][data-login="carol"]');
    await carol.getByTestId('admin-disable').click();
    await carol.getByTestId('admin-enable').waitFor();
    expect(await world.relay.db.query('select is_disabled from admin_account where login = ?', ['carol'])).toEqual([{ is_disabled: true }]);
    await carol.getByTestId('admin-enable').click();
    await carol.getByTestId('admin-disable').waitFor();
    await screenshot(page, 'settings');
  });

  it('shows a toast when a spike alert arrives', async () => {
    const events = [{ type: 'alert.raised' as const, payload: { alertId: '9001', kind: 'spike', subject: 'mallory' } }];
    await waitFor(async () => {
      world.relay.events.publish(events);
      return (await page.getByTestId('toast').count()) > 0;
    }, 15_000, 'the toast');
    expect(await page.getByTestId('toast').first().innerText()).toContain('mallory');
    await page.getByTestId('toast-dismiss').first().click();
  });

  it('switches language, and every page renders', async () => {
    const lang = await page.evaluate(() => document.documentElement.lang);
    await page.getByTestId('lang-switch').selectOption(lang.startsWith('fr') ? 'en' : 'fr');
    await waitFor(async () => (await page.evaluate(() => document.documentElement.lang)) !== lang, 5000, 'the language to change');
    for (const route of ['senders', 'alerts', 'settings', 'overview']) {
      await page.getByTestId(`nav-${route}`).click();
      await page.waitForTimeout(300);
      await screenshot(page, `${route}-${await page.evaluate(() => document.documentElement.lang)}`);
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'overview-phone');
  });
});
