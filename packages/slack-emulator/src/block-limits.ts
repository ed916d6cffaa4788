import { isRecord } from './http-body';

/** Slack's own limits (Block Kit reference): exceeding one makes the whole message `invalid_blocks`. */
const MAX_BLOCKS = 50;
const SECTION_TEXT = 3000;
const SECTION_FIELDS = 10;
const FIELD_TEXT = 2000;

const textOf = (value: unknown): string | undefined =>
  isRecord(value) && typeof value.text === 'string' ? value.text : undefined;

function sectionProblem(block: Record<string, unknown>): boolean {
  if ((textOf(block.text)?.length ?? 0) > SECTION_TEXT) return true;
  if (block.fields === undefined) return false;
  if (!Array.isArray(block.fields) || block.fields.length > SECTION_FIELDS) return true;
  return block.fields.some((f) => (textOf(f)?.length ?? 0) > FIELD_TEXT);
}

/** `invalid_blocks` when Slack would refuse these blocks for their size, else undefined. */
export function blocksError(blocks: unknown): 'invalid_blocks' | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks) || blocks.length > MAX_BLOCKS) return 'invalid_blocks';
  const bad = blocks.some((b) => !isRecord(b) || (b.type === 'section' && sectionProblem(b)));
  return bad ? 'invalid_blocks' : undefined;
}
