// Debian's Chromium driven by playwright-core (never a downloaded browser), started the way this
// machine needs: headless, no sandbox as root, no background networking (the network is closed,
// and Chromium's own calls home would fail noisily). Playwright gives every launch a fresh, empty
// profile of its own (it refuses --user-data-dir) and deletes it on close.
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.MANDATE_CHROMIUM ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}
