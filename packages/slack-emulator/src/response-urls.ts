import type { IncomingMessage, ServerResponse } from 'node:http';
import { blocksError } from './block-limits';
import { applyFault, type FaultBook } from './faults';
import { isRecord, parseJson, readBody, sendJson } from './http-body';
import { randomHex } from './ids';
import type { Recorder } from './recorder';

/** Slack accepts up to five posts per response_url (within 30 minutes, not enforced here). */
const MAX_USES = 5;

interface Origin {
  channel: string;
  user: string;
  uses: number;
}

export interface ResponseUrlDeps {
  recorder: Recorder;
  faults: FaultBook;
  sleep: (ms: number) => Promise<void>;
  log: (msg: string) => void;
}

/** The response_urls handed out with commands and interactions, and the endpoint behind them. */
export class ResponseUrls {
  private readonly origins = new Map<string, Origin>();

  constructor(
    private readonly baseUrl: string,
    private readonly deps: ResponseUrlDeps,
  ) {}

  create(channel: string, user: string): string {
    const id = randomHex();
    this.origins.set(id, { channel, user, uses: 0 });
    return `${this.baseUrl}response/${id}`;
  }

  async handle(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const raw = await readBody(req);
    const fault = this.deps.faults.take('response_url', false);
    if (fault) {
      this.deps.log(`response_url: injected fault ${JSON.stringify(fault)}`);
      if (await applyFault(res, fault, this.deps.sleep)) return;
    }
    const origin = this.origins.get(id);
    if (req.method !== 'POST' || !origin) {
      sendJson(res, 404, { ok: false, error: 'no_such_response_url' });
      return;
    }
    if (origin.uses >= MAX_USES) {
      sendJson(res, 404, { ok: false, error: 'used_url' });
      return;
    }
    const body = parseJson(raw);
    if (!isRecord(body)) {
      sendJson(res, 400, { ok: false, error: 'invalid_payload' });
      return;
    }
    const blocksProblem = blocksError(body.blocks);
    if (blocksProblem) {
      sendJson(res, 400, { ok: false, error: blocksProblem });
      return;
    }
    origin.uses += 1;
    this.deps.recorder.recordMessage({
      kind: 'response_url',
      channel: origin.channel,
      user: origin.user,
      text: typeof body.text === 'string' ? body.text : undefined,
      blocks: Array.isArray(body.blocks) ? body.blocks : undefined,
      threadTs: typeof body.thread_ts === 'string' ? body.thread_ts : undefined,
      responseType: typeof body.response_type === 'string' ? body.response_type : undefined,
      replaceOriginal: flag(body.replace_original),
      deleteOriginal: flag(body.delete_original),
    });
    sendJson(res, 200, { ok: true });
  }
}

/** Slack accepts booleans and their string forms here. */
function flag(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  return value === true || value === 'true';
}
