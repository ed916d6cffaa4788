import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { Client } from 'pg';
import { startStack, type Stack, type StackOptions } from './stack';

/** Where browser tests write their screenshots. */
export const SCREENSHOTS = path.resolve(__dirname, '../../test-output/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A stack and a headless Chromium for one describe block (close both with closeBrowserStack). */
export async function startBrowserStack(opts: StackOptions): Promise<{ stack: Stack; browser: Browser }> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const stack = await startStack(opts);
  try {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    return { stack, browser };
  } catch (err) {
    await stack.close();
    throw err;
  }
}

export async function closeBrowserStack(stack: Stack | undefined, browser: Browser | undefined) {
  await browser?.close();
  await stack?.close();
}

/** The rows a query reads from the stack's database. */
export async function queryRows(stack: Stack, sql: string): Promise<unknown[]> {
  const db = new Client({ connectionString: stack.db.url });
  await db.connect();
  try {
    return (await db.query(sql)).rows;
  } finally {
    await db.end();
  }
}
