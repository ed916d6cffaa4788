import type { App, BlockAction, SlackActionMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import type { HomeClickHandler } from './domain/home-actions';
import type { HomeRefresh } from './domain/refresh-home';
import type { HomeAction } from './domain/types';
import { errorSummary } from '../../shared/logger';
import { ACTION_IDS } from './action-ids';

export interface HomeSlackDeps {
  home: Pick<HomeRefresh, 'opened'>;
  click: HomeClickHandler;
  log: Logger;
}

/** The Home tab was opened: publish it now (the Messages tab and others need nothing). */
export const homeOpened =
  (deps: HomeSlackDeps) =>
  async ({ event, body }: Pick<SlackEventMiddlewareArgs<'app_home_opened'>, 'event' | 'body'>) => {
    if (event.tab !== 'home') return;
    await deps.home
      .opened(body.team_id, event.user)
      .catch((err: unknown) =>
        deps.log.error({ err: errorSummary(err), userId: event.user }, 'home not published'),
      );
  };

type ActionArgs = Pick<SlackActionMiddlewareArgs<BlockAction>, 'ack' | 'body' | 'action'>;

/** A button on the Home: acknowledged first; the owner and the signed value are checked by the use case. */
export const homeButton =
  (deps: HomeSlackDeps, action: HomeAction) =>
  async ({ ack, body, action: pressed }: ActionArgs) => {
    await ack();
    const teamId = body.team?.id ?? body.user.team_id ?? '';
    const value = 'value' in pressed && typeof pressed.value === 'string' ? pressed.value : '';
    try {
      const result = await deps.click({ teamId, userId: body.user.id, action, value });
      if (result.kind !== 'done')
        deps.log.warn({ action, userId: body.user.id, result: result.kind }, 'home click refused');
    } catch (err) {
      // A failed Slack call's error holds its request (the token, the view, the DM): only what failed.
      deps.log.error({ err: errorSummary(err), action }, 'home click failed');
    }
  };

export function registerHomeSlack(app: App, deps: HomeSlackDeps): void {
  app.event('app_home_opened', homeOpened(deps));
  for (const action of ['connect', 'disconnect', 'notifications_on', 'notifications_off'] as const) {
    app.action<BlockAction>(ACTION_IDS[action], homeButton(deps, action));
  }
  // A link button still reports its click, which needs an acknowledgement.
  app.action(ACTION_IDS.open_gmail, async ({ ack }) => ack());
}
