import { defineErrors } from '../../src/shared/errors';
import { sendErrors } from '../../src/modules/send/domain/errors';
import { refusal, TOOL_REFUSALS } from '../../src/modules/assistant/tool-results';

function recordingLog() {
  const logged: unknown[] = [];
  return { logged, log: { error: (obj: unknown) => void logged.push(obj) } };
}

describe('tool refusals', () => {
  it('when the table is read, then every send error code has exactly one row', () => {
    expect(Object.keys(TOOL_REFUSALS).sort()).toEqual([...sendErrors.codes].sort());
  });

  it('when a send refusal is mapped, then the result is an error with the HTTP body and the next step', () => {
    const { logged, log } = recordingLog();
    const err = sendErrors.fail('rate_limited', 'Too many emails staged.', {
      details: { retry_after_seconds: 120 },
    });

    const result = refusal(err, log);

    expect(result.isError).toBe(true);
    expect(result.structuredContent).toEqual({
      error: 'rate_limited',
      message: 'Too many emails staged.',
      retry_after_seconds: 120,
    });
    expect(result.content).toEqual([
      { type: 'text', text: `Refused (rate_limited): Too many emails staged. ${TOOL_REFUSALS.rate_limited}` },
    ]);
    expect(logged).toEqual([]);
  });

  it('when the person is not connected, then the model is told to suggest /ai-email-connect', () => {
    const result = refusal(sendErrors.fail('not_connected', 'Not connected.'), recordingLog().log);
    expect(result.content[0]!.text).toContain('/ai-email-connect');
  });

  it("when another module's transient error escapes, then its code is kept, it is logged and retrying is suggested", () => {
    const { logged, log } = recordingLog();
    const other = defineErrors({ store_down: 'transient' }).fail('store_down', 'The store is down.');

    const result = refusal(other, log);

    expect(result).toMatchObject({
      isError: true,
      structuredContent: { error: 'store_down', message: 'The store is down.' },
    });
    expect(result.content[0]!.text).toMatch(/Try again later\.$/);
    expect(logged).toHaveLength(1);
  });

  it('when an unexpected error escapes, then it is logged and the result says nothing of its cause', () => {
    const { logged, log } = recordingLog();

    const result = refusal(new Error('password=hunter2 in /etc/secret'), log);

    expect(result).toEqual({
      isError: true,
      structuredContent: { error: 'internal_error', message: 'internal error' },
      content: [{ type: 'text', text: 'Refused (internal_error): internal error' }],
    });
    expect(logged).toHaveLength(1);
  });
});
