import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { missingScope } from '@mailbridge/slack-emulator';
import { manifestBotEvents, manifestBotScopes, manifestValue } from '../helpers/slack-manifest';

const SRC = path.resolve(__dirname, '../../src');

/** Every Slack event the product listens to (`app.event('<type>'`). */
function eventsHeardBySource(): string[] {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.startsWith('generated'),
  );
  const events = new Set<string>();
  for (const file of files) {
    const text = readFileSync(path.join(SRC, file), 'utf8');
    for (const m of text.matchAll(/\bapp\.event\(\s*'([a-z_.]+)'/g)) events.add(m[1]!);
  }
  return [...events].sort();
}

/** Every Slack Web API method the product calls through a Slack client (`client.<ns>.<method>(`). */
function methodsCalledBySource(): string[] {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.startsWith('generated'),
  );
  const methods = new Set<string>();
  for (const file of files) {
    const text = readFileSync(path.join(SRC, file), 'utf8');
    for (const m of text.matchAll(/\bclient\.([a-z]+)\.([a-zA-Z]+)\(/g)) methods.add(`${m[1]}.${m[2]}`);
  }
  return [...methods].sort();
}

describe('Slack app manifest', () => {
  it('when the manifest is read, then it lists the bot scopes', () => {
    const scopes = manifestBotScopes();
    expect(scopes).toEqual(expect.arrayContaining(['chat:write', 'commands', 'im:write']));
    expect(scopes.every((s) => /^[a-z_.]+:[a-z_.]+$|^commands$/.test(s))).toBe(true);
  });

  it('when the list is quoted, commented or followed by user scopes, then only the bot scopes are read', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'manifest-')), 'm.yaml');
    writeFileSync(
      file,
      [
        'features:',
        '  bot_user:',
        '    display_name: x # not a scope',
        'oauth_config:',
        '  scopes:',
        '    # bot scopes',
        '    bot:',
        "    - 'chat:write'",
        '    - "team:read" # names the workspace',
        '    user:',
        '      - search:read',
        'settings:',
        '  socket_mode_enabled: true',
      ].join('\n'),
    );
    expect(manifestBotScopes(file)).toEqual(['chat:write', 'team:read']);
    writeFileSync(file, 'oauth_config:\n  scopes:\n    user:\n      - search:read\n');
    expect(() => manifestBotScopes(file)).toThrow(/no oauth_config.scopes.bot list/);
  });

  it('when the product calls a Slack method, then the manifest requests its scope', () => {
    const granted = new Set(manifestBotScopes());
    const called = methodsCalledBySource();
    expect(called).toEqual(expect.arrayContaining(['chat.postMessage', 'team.info', 'users.info']));
    // The product talks to people in direct messages: one user per conversations.open, DM history.
    const dmArgs = { channel: 'D0123', users: 'U0123' };
    const missing = called
      .map((method) => [method, missingScope(method, dmArgs, granted)] as const)
      .filter(([, needed]) => needed !== undefined);
    expect(missing).toEqual([]);
  });

  it('when the product listens to a Slack event, then the manifest subscribes to it', () => {
    const heard = eventsHeardBySource();
    expect(heard).toContain('app_home_opened');
    expect(manifestBotEvents()).toEqual(expect.arrayContaining(heard));
  });

  it('when the product publishes an App Home, then the manifest enables the Home tab', () => {
    expect(manifestValue(['features', 'app_home', 'home_tab_enabled'])).toBe('true');
    expect(manifestValue(['features', 'app_home', 'messages_tab_enabled'])).toBe('true');
  });
});
