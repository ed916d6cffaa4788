import { readFileSync } from 'node:fs';
import path from 'node:path';

export const SLACK_MANIFEST_PATH = path.resolve(__dirname, '../../deploy/slack-app-manifest.yaml');

/**
 * The bot scopes deploy/slack-app-manifest.yaml requests (`oauth_config.scopes.bot`), so the emulated
 * workspace grants exactly what a real install grants. A small reader for that one block-style list,
 * not a YAML parser: it refuses anything it does not recognise rather than guess.
 */
export function manifestBotScopes(file = SLACK_MANIFEST_PATH): string[] {
  return manifestList(['oauth_config', 'scopes', 'bot'], file);
}

/** The bot events the manifest subscribes to (`settings.event_subscriptions.bot_events`). */
export const manifestBotEvents = (file = SLACK_MANIFEST_PATH): string[] =>
  manifestList(['settings', 'event_subscriptions', 'bot_events'], file);

/** One block-style list of the manifest, found by its key path. */
export function manifestList(wanted: string[], file = SLACK_MANIFEST_PATH): string[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const stack: { indent: number; key: string }[] = [];
  const scopes: string[] = [];
  let listIndent: number | undefined;
  for (const raw of lines) {
    const line = raw.replace(/\s+#.*$/, '').replace(/^\s*#.*$/, '');
    if (line.trim() === '') continue;
    const indent = line.length - line.trimStart().length;
    if (listIndent !== undefined) {
      const item = /^-\s+(.+)$/.exec(line.trim());
      if (indent >= listIndent && item) {
        scopes.push(unquote(item[1]!.trim()));
        continue;
      }
      break;
    }
    const key = /^([A-Za-z_][\w.-]*):\s*$/.exec(line.trim());
    if (!key) continue;
    while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    stack.push({ indent, key: key[1]! });
    if (stack.map((s) => s.key).join('.') === wanted.join('.')) listIndent = indent;
  }
  if (scopes.length === 0) throw new Error(`${file}: no ${wanted.join('.')} list found`);
  return scopes;
}

/** One scalar of the manifest (`key: value` on one line), found by its key path; undefined when absent. */
export function manifestValue(wanted: string[], file = SLACK_MANIFEST_PATH): string | undefined {
  const stack: { indent: number; key: string }[] = [];
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').replace(/^\s*#.*$/, '');
    const entry = /^([A-Za-z_][\w.-]*):\s*(.*)$/.exec(line.trim());
    if (!entry) continue;
    const indent = line.length - line.trimStart().length;
    while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    stack.push({ indent, key: entry[1]! });
    if (entry[2] && stack.map((k) => k.key).join('.') === wanted.join('.')) return unquote(entry[2].trim());
  }
  return undefined;
}

const unquote = (v: string) => v.replace(/^(['"])(.*)\1$/, '$2');
