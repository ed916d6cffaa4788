import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { Stack } from '../helpers/stack';
import { requestPrompt } from '../helpers/connect-flow';
import { SCREENSHOTS as OUTPUT, closeBrowserStack, queryRows, startBrowserStack } from '../helpers/browser';

describe('Sign in with Slack in a real browser', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    ({ stack, browser } = await startBrowserStack({ interactiveGoogle: true, slackSignIn: true }));
  });
  afterAll(() => closeBrowserStack(stack, browser));

  it('when the person who asked opens the link, then Slack sign-in leads to the code, Google consent and success; a stranger later is turned away', async () => {
    stack.slack.addUser({ id: 'U0GRACE', name: 'grace', realName: 'Grace Hopper' });
    stack.slack.addUser({ id: 'U0MALLORY', name: 'mallory', realName: 'Grace Hopper' });
    stack.google.addAccount({ email: 'grace@example.com', name: 'Grace Hopper' });
    const prompt = await requestPrompt(stack, 'U0GRACE');

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    const visited: string[] = [];
    page.on('request', (r) => {
      if (r.isNavigationRequest()) visited.push(new URL(r.url()).pathname);
    });

    stack.slack.oidc.signInAs('U0GRACE');
    await page.goto(prompt.startUrl);
    expect(visited).toEqual([
      '/oauth/google/start',
      '/openid/connect/authorize',
      '/oauth/slack/callback',
      '/oauth/google/start',
    ]);
    const body = await page.textContent('body');
    expect(body).toContain('@grace (U0GRACE)');
    expect(body).toContain('You signed in with Slack as this person.');
    await page.screenshot({ path: path.join(OUTPUT, 'slack-1-signed-in-start.png'), fullPage: true });

    await page.fill('#code', prompt.code);
    await Promise.all([
      page.waitForURL((u) => u.toString().startsWith(stack.google.baseUrl)),
      page.click('button[type=submit]'),
    ]);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/oauth/google/callback'),
      page.click('button[value=allow]'),
    ]);
    expect(await page.textContent('h1')).toBe('Connected');
    expect(cspViolations).toEqual([]);
    await context.close();

    // Another person opens a fresh link of Grace's in their own browser.
    const second = await requestPrompt(stack, 'U0GRACE');
    const strangers = await browser.newContext();
    const strangerPage = await strangers.newPage();
    stack.slack.oidc.signInAs('U0MALLORY');
    await strangerPage.goto(second.startUrl);
    expect(await strangerPage.textContent('h1')).toBe('This link belongs to someone else');
    expect(await strangerPage.textContent('body')).not.toContain(second.code);
    await strangerPage.screenshot({ path: path.join(OUTPUT, 'slack-2-someone-else.png'), fullPage: true });
    await strangers.close();

    // Grace's own browser cannot use that link any more either.
    const graces = await browser.newContext();
    const gracePage = await graces.newPage();
    stack.slack.oidc.signInAs('U0GRACE');
    await gracePage.goto(second.startUrl);
    expect(await gracePage.textContent('h1')).toBe('Link disabled');
    await graces.close();

    expect(
      await queryRows(
        stack,
        "SELECT user_id, email, status FROM gmail_connections WHERE user_id IN ('U0GRACE', 'U0MALLORY')",
      ),
    ).toEqual([{ user_id: 'U0GRACE', email: 'grace@example.com', status: 'active' }]);
  });
});
