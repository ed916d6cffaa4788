import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { RefreshHome } from '../../shared/home-refresh';
import { createSlackMessenger } from '../../shared/slack-messenger';
import type { HomeNeeds } from './api';
import { createHomeActions } from './domain/home-actions';
import { signHomeButton } from './domain/home-button';
import { createHomeRefresh } from './domain/refresh-home';
import { createHomeVisits } from './home-visits';
import { registerHomeJobs } from './jobs';
import { homeActionRunner } from './run-action';
import { registerHomeSlack } from './slack';
import { createHomePublisher, createHomeSources } from './sources';

export type { HomeNeeds } from './api';
export { homeRefresher } from './jobs';

/** App Home: published when opened, kept current after changes, its buttons acting as the commands do. */
export default function homeModule(app: FastifyInstance, needs: HomeNeeds, refreshHome: RefreshHome): void {
  const log = app.log.child({ component: 'home' }) as Logger;
  const signingKey = app.config.GMAIL_OAUTH_STATE_SIGNING_KEY;
  const publisher = createHomePublisher(app.slack.client, {
    sign: (b) => signHomeButton(signingKey, b),
    rulesButton: needs.notify.rules?.editButton,
  });
  const visits = createHomeVisits(app.redis, app.config.REDIS_KEY_PREFIX);
  const home = createHomeRefresh({ sources: createHomeSources(needs), publisher, visits, clock: app.clock });
  const click = createHomeActions({
    signingKey,
    currentConnection: (t, u) => needs.connect.connections.findByUser(t, u),
    run: homeActionRunner(needs, createSlackMessenger(app.slack.client)),
    refreshHome,
  });
  registerHomeSlack(app.slack.app, { home, click, log });
  registerHomeJobs(app, { home, log });
}
