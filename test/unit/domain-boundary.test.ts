import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const DOMAIN_FILE = 'src/modules/send/domain/x.ts';

const FORBIDDEN = [
  '@prisma/client',
  'fastify',
  '@slack/bolt',
  'bullmq',
  'googleapis',
  'google-auth-library',
  '../draft-store',
  '../../connect/connection-store',
  '../../../platform/prisma',
];
const ALLOWED = ['./types', '../../connect/domain/types', '../../../shared/errors'];
const ADAPTER = { file: 'src/modules/send/draft-store.ts', specifier: '@prisma/client' };

interface Case {
  file: string;
  specifier: string;
}

/**
 * Lints one small file per case with ESLint's Node API and the project's own eslint.config.mjs, in a
 * process of its own: ESLint loads that config with a dynamic import, which Jest's module sandbox refuses.
 * Resolves, per case, the rules that reported it (a parse failure counts as "fatal").
 */
function lint(cases: Case[]): string[][] {
  const script = `
    const path = require('node:path');
    const { ESLint } = require('eslint');
    (async () => {
      const eslint = new ESLint({ cwd: process.cwd() });
      const out = [];
      for (const c of JSON.parse(process.argv[1])) {
        const code = "import * as imported from '" + c.specifier + "';\\nexport const used = imported;\\n";
        const [result] = await eslint.lintText(code, { filePath: path.resolve(c.file) });
        out.push(result.messages.map((m) => (m.fatal ? 'fatal' : m.ruleId)));
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((err) => { console.error(err); process.exit(1); });`;
  const stdout = execFileSync(process.execPath, ['-e', script, JSON.stringify(cases)], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(stdout) as string[][];
}

describe('domain boundary (eslint.config.mjs)', () => {
  const specifiers = [...FORBIDDEN, ...ALLOWED];
  let reports: Map<string, string[]>;
  let adapterReport: string[];

  beforeAll(() => {
    const results = lint([...specifiers.map((specifier) => ({ file: DOMAIN_FILE, specifier })), ADAPTER]);
    reports = new Map(specifiers.map((s, i) => [s, results[i]!]));
    adapterReport = results[specifiers.length]!;
  }, 60_000);

  it.each(FORBIDDEN)('when domain code imports %s, then the lint rejects it', (specifier) => {
    expect(reports.get(specifier)).toEqual(['no-restricted-imports']);
  });

  it.each(ALLOWED)('when domain code imports %s, then the lint accepts it', (specifier) => {
    expect(reports.get(specifier)).toEqual([]);
  });

  it('when an adapter outside domain/ imports Prisma, then the boundary does not apply there', () => {
    expect(adapterReport).toEqual([]);
  });
});
