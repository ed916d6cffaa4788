import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SRC = path.join(ROOT, 'src');
const MAX_FILE_LINES = 200;
const MAX_WIRING_LINES = 60;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return full === path.join(SRC, 'generated') ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const lineCount = (file: string) => readFileSync(file, 'utf8').replace(/\n$/, '').split('\n').length;
const longerThan = (files: string[], max: number) =>
  files
    .map((file) => ({ file: path.relative(ROOT, file), lines: lineCount(file) }))
    .filter(({ lines }) => lines > max);

describe('source layout', () => {
  const files = sourceFiles(SRC);

  it('when the sources are read, then there are some (the walk itself works)', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((f) => f.includes(`${path.sep}generated${path.sep}`))).toBe(false);
  });

  it(`when any file under src/ is read, then it has at most ${MAX_FILE_LINES} lines`, () => {
    expect(longerThan(files, MAX_FILE_LINES)).toEqual([]);
  });

  it(`when a module's wiring (src/modules/*/index.ts) is read, then it has at most ${MAX_WIRING_LINES} lines`, () => {
    const wiring = files.filter((f) => /modules[/\\][^/\\]+[/\\]index\.ts$/.test(f));
    expect(wiring.length).toBeGreaterThanOrEqual(6);
    expect(longerThan(wiring, MAX_WIRING_LINES)).toEqual([]);
  });
});
