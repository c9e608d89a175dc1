// Debian's Chromium driven by playwright-core (never a downloaded browser),
// and screenshots kept as test artefacts in test-results/screenshots/.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from './relay.ts';

export const CHROMIUM = process.env.RELAIS_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

export function launchBrowser(): Promise<Browser> {
  // As root (CI) Chromium refuses to start sandboxed.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
