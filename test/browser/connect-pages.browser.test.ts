import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { Stack } from '../helpers/stack';
import { requestPrompt } from '../helpers/connect-flow';
import { SCREENSHOTS as OUTPUT, closeBrowserStack, queryRows, startBrowserStack } from '../helpers/browser';

describe('connect pages in a real browser', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    ({ stack, browser } = await startBrowserStack({ interactiveGoogle: true }));
  });
  afterAll(() => closeBrowserStack(stack, browser));

  it('when a person follows the Slack button on a phone, then every page works from start page to success', async () => {
    stack.slack.addUser({ id: 'U0BROWSER', name: 'grace', realName: 'Grace Hopper' });
    stack.google.addAccount({ email: 'grace@example.com', name: 'Grace Hopper' });
    const prompt = await requestPrompt(stack, 'U0BROWSER');
    const button = (
      prompt.message.blocks as Array<{ type: string; elements?: Array<{ url?: string }> }>
    ).find((b) => b.type === 'actions')!.elements![0]!.url!;
    expect(button).toBe(prompt.startUrl);

    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });

    await page.goto(button);
    expect(await page.textContent('body')).toContain('grace');
    expect(await page.textContent('body')).toContain(stack.slack.teamName);
    await page.screenshot({ path: path.join(OUTPUT, '1-start.png'), fullPage: true });

    await page.fill('#code', 'WRONG1');
    await page.click('button[type=submit]');
    await page.waitForSelector('[role=alert]');
    expect(await page.textContent('[role=alert]')).toMatch(/not right. 4 tries left/);
    await page.screenshot({ path: path.join(OUTPUT, '2-wrong-code.png'), fullPage: true });

    await page.fill('#code', prompt.code.toLowerCase());
    await Promise.all([
      page.waitForURL((u) => u.toString().startsWith(stack.google.baseUrl)),
      page.click('button[type=submit]'),
    ]);
    await page.screenshot({ path: path.join(OUTPUT, '3-google-consent.png'), fullPage: true });

    await Promise.all([
      page.waitForURL((u) => u.pathname === '/oauth/google/callback'),
      page.click('button[value=allow]'),
    ]);
    expect(await page.textContent('h1')).toBe('Connected');
    expect(await page.textContent('body')).toContain('grace@example.com');
    await page.screenshot({ path: path.join(OUTPUT, '4-success.png'), fullPage: true });

    await page.goto(page.url());
    expect(await page.textContent('body')).toMatch(/already used/);
    await page.screenshot({ path: path.join(OUTPUT, '5-error-reused.png'), fullPage: true });
    expect(cspViolations).toEqual([]);
    await context.close();

    expect(
      await queryRows(stack, "SELECT email, status FROM gmail_connections WHERE user_id = 'U0BROWSER'"),
    ).toEqual([{ email: 'grace@example.com', status: 'active' }]);
  });
});
