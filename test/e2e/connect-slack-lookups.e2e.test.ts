import { startStack, type Stack } from '../helpers/stack';
import { connectUser } from '../helpers/connect-flow';

describe('Slack lookups of one connect', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when a person connects Gmail through the whole browser flow, then Slack is asked users.info and team.info once each', async () => {
    stack.slack.addUser({ id: 'U0LOOKUP1', name: 'lookup', realName: 'Look Up' });
    const before = stack.slack.calls.length;
    const done = await connectUser(stack, { userId: 'U0LOOKUP1', email: 'lookup@example.com' });
    expect(done.status).toBe(200);
    const calls = stack.slack.calls.slice(before);
    const count = (method: string) => calls.filter((c) => c.method === method).length;
    expect({ usersInfo: count('users.info'), teamInfo: count('team.info') }).toEqual({
      usersInfo: 1,
      teamInfo: 1,
    });
  });
});
