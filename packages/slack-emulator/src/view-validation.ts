import { blocksError } from './block-limits';
import { isRecord } from './http-body';

/** Slack's limits on a view object (Reference: view objects, Block Kit elements). */
const TITLE_MAX = 24;
const MAX_BLOCKS = 100;
const PRIVATE_METADATA_MAX = 3000;
const CALLBACK_ID_MAX = 255;
const SECTION_TEXT_MAX = 3000;
const INPUT_MAX_LENGTH = 3000;

type Rec = Record<string, unknown>;

/** One message in Slack's `response_metadata.messages` style. */
const problem = (text: string, pointer: string): string => `[ERROR] ${text} [json-pointer:${pointer}]`;

function plainTextProblems(value: unknown, pointer: string, required: boolean): string[] {
  if (value === undefined || value === null)
    return required ? [problem('must provide an object', pointer)] : [];
  if (!isRecord(value) || value.type !== 'plain_text' || typeof value.text !== 'string')
    return [problem('must be a plain_text text object', pointer)];
  if (value.text.length === 0) return [problem('must be more than 0 characters', `${pointer}/text`)];
  if (value.text.length > TITLE_MAX)
    return [problem(`must be less than ${TITLE_MAX + 1} characters`, `${pointer}/text`)];
  return [];
}

function elementProblems(element: unknown, pointer: string): string[] {
  if (!isRecord(element) || element.type !== 'plain_text_input') return [];
  const max = typeof element.max_length === 'number' ? element.max_length : INPUT_MAX_LENGTH;
  const out: string[] = [];
  if (max > INPUT_MAX_LENGTH)
    out.push(problem(`must be at most ${INPUT_MAX_LENGTH}`, `${pointer}/max_length`));
  const initial = element.initial_value;
  if (typeof initial === 'string' && initial.length > Math.min(max, INPUT_MAX_LENGTH))
    out.push(
      problem(`must be at most ${Math.min(max, INPUT_MAX_LENGTH)} characters`, `${pointer}/initial_value`),
    );
  return out;
}

function blockProblems(blocks: unknown[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  blocks.forEach((block, i) => {
    const at = `/view/blocks/${i}`;
    if (!isRecord(block) || typeof block.type !== 'string') {
      out.push(problem('must be a block object', at));
      return;
    }
    if (typeof block.block_id === 'string') {
      if (seen.has(block.block_id)) out.push(problem('block_id must be unique', `${at}/block_id`));
      seen.add(block.block_id);
    }
    const text = isRecord(block.text) ? block.text.text : undefined;
    if (block.type === 'section' && typeof text === 'string' && text.length > SECTION_TEXT_MAX)
      out.push(problem(`must be less than ${SECTION_TEXT_MAX + 1} characters`, `${at}/text/text`));
    if (block.type === 'input') {
      if (!isRecord(block.element)) out.push(problem('must provide an object', `${at}/element`));
      out.push(
        ...plainTextProblems(block.label, `${at}/label`, true).filter((m) => !m.includes('less than')),
      );
      out.push(...elementProblems(block.element, `${at}/element`));
    }
  });
  return out;
}

/**
 * Why Slack would answer `invalid_arguments` for this view (views.open/push/update/publish), as its
 * `response_metadata.messages`; empty when the view is acceptable. `expected` limits the type.
 */
export function viewProblems(view: unknown, expected: 'modal' | 'home' | 'any'): string[] {
  if (!isRecord(view)) return [problem('must provide an object', '/view')];
  const v: Rec = view;
  const out: string[] = [];
  const typeOk = v.type === 'modal' || v.type === 'home';
  if (!typeOk || (expected !== 'any' && v.type !== expected))
    return [problem(`must be ${expected === 'any' ? 'modal or home' : expected}`, '/view/type')];
  if (!Array.isArray(v.blocks)) return [...out, problem('must provide an array', '/view/blocks')];
  if (v.blocks.length > MAX_BLOCKS)
    out.push(problem(`no more than ${MAX_BLOCKS} items allowed`, '/view/blocks'));
  if (v.type === 'modal') {
    out.push(...plainTextProblems(v.title, '/view/title', true));
    out.push(...plainTextProblems(v.submit, '/view/submit', false));
    out.push(...plainTextProblems(v.close, '/view/close', false));
    const hasInput = v.blocks.some((b) => isRecord(b) && b.type === 'input');
    if (hasInput && (v.submit === undefined || v.submit === null))
      out.push(problem('must provide submit when the view contains input blocks', '/view/submit'));
  }
  if (typeof v.private_metadata === 'string' && v.private_metadata.length > PRIVATE_METADATA_MAX)
    out.push(problem(`must be less than ${PRIVATE_METADATA_MAX + 1} characters`, '/view/private_metadata'));
  if (typeof v.callback_id === 'string' && v.callback_id.length > CALLBACK_ID_MAX)
    out.push(problem(`must be less than ${CALLBACK_ID_MAX + 1} characters`, '/view/callback_id'));
  out.push(...blockProblems(v.blocks));
  // The per-block rules of messages (section fields count and length) hold in views too.
  v.blocks.forEach((b, i) => {
    const flagged = out.some((m) => m.includes(`/view/blocks/${i}/`));
    if (!flagged && blocksError([b])) out.push(problem('exceeds a Block Kit limit', `/view/blocks/${i}`));
  });
  return out;
}
