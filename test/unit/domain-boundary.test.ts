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
  '@prisma/client/runtime/library',
  'undici',
  // Paths that only look like allowed ones.
  './../draft-store',
  './sub/../../gmail',
  '..',
  '../../connect',
  '../../connect/domain/../google-oauth',
  '../../../shared/gmail',
  path.join(ROOT, 'src/modules/send/gmail'),
];
const ALLOWED = [
  './types',
  '../../connect/domain/types',
  '../../../shared/errors',
  '../../../shared/google-failure',
  'node:crypto',
  'zod',
];
/** Ways to reach a module other than an import declaration; each is refused in domain code. */
const LOADING = [
  "export const loaded = import('bullmq');",
  "type Queue = import('bullmq').Queue;\nexport const queue: Queue | undefined = undefined;",
  "export const loaded = require('bullmq');",
  "import loaded = require('bullmq');\nexport { loaded };",
  "export * from '../draft-store';",
  "export { createDraftStore } from '../draft-store';",
];
const ADAPTER = { file: 'src/modules/send/draft-store.ts', specifier: '@prisma/client' };

interface Case {
  file: string;
  specifier?: string;
  code?: string;
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
        const code = c.code ?? "import * as imported from '" + c.specifier + "';\\nexport const used = imported;\\n";
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
  let loadingReports: string[][];

  beforeAll(() => {
    const results = lint([
      ...specifiers.map((specifier) => ({ file: DOMAIN_FILE, specifier })),
      ADAPTER,
      ...LOADING.map((code) => ({ file: DOMAIN_FILE, code })),
    ]);
    reports = new Map(specifiers.map((s, i) => [s, results[i]!]));
    adapterReport = results[specifiers.length]!;
    loadingReports = results.slice(specifiers.length + 1);
  }, 60_000);

  it.each(FORBIDDEN)('when domain code imports %s, then the lint rejects it', (specifier) => {
    expect(reports.get(specifier)).toEqual(['no-restricted-imports']);
  });

  it.each(ALLOWED)('when domain code imports %s, then the lint accepts it', (specifier) => {
    expect(reports.get(specifier)).toEqual([]);
  });

  it.each(LOADING.map((code, i) => [code, i] as const))(
    'when domain code reaches a module by `%s`, then the lint rejects it',
    (_code, i) => {
      const rules = loadingReports[i]!.filter((r) => r.startsWith('no-restricted'));
      expect(rules.length).toBeGreaterThan(0);
    },
  );

  it('when an adapter outside domain/ imports Prisma, then the boundary does not apply there', () => {
    expect(adapterReport).toEqual([]);
  });
});
