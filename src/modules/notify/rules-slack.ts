import type { App, BlockButtonAction, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import type { Logger } from 'pino';
import type { RulesEditing } from './domain/rules-editing';
import { fieldErrors, RULES_ACTION_ID, RULES_CALLBACK_ID, rulesModal, submittedRules } from './rules-blocks';

type ClickArgs = Pick<SlackActionMiddlewareArgs<BlockButtonAction>, 'ack' | 'body'> & {
  client: App['client'];
};
type SubmitArgs = Pick<SlackViewMiddlewareArgs, 'ack' | 'body' | 'view'>;

const teamOf = (body: { team?: { id: string } | null; user: { team_id?: string } }) =>
  body.team?.id ?? body.user.team_id ?? '';

/**
 * "Edit rules" (App Home) opens the clicker's own rules in a modal; Save validates every field
 * (`errors` under the fields), closes the modal within Slack's 3 s and then stores the rules. The button names no record: the clicker is the owner.
 */
export function registerRulesSlack(app: App, deps: { editing: RulesEditing; log: Logger }) {
  app.action<BlockButtonAction>(
    { type: 'block_actions', action_id: RULES_ACTION_ID },
    async ({ ack, body, client }: ClickArgs) => {
      await ack();
      try {
        const rules = await deps.editing.open(teamOf(body), body.user.id);
        await client.views.open({ trigger_id: body.trigger_id, view: rulesModal(rules) as never });
      } catch (err) {
        deps.log.error(
          { err: { message: (err as Error).message }, action: 'rules_open' },
          'slack listener failed',
        );
      }
    },
  );
  app.view(
    { callback_id: RULES_CALLBACK_ID, type: 'view_submission' },
    async ({ ack, body, view }: SubmitArgs) => {
      const input = submittedRules(view.state.values as Parameters<typeof submittedRules>[0]);
      const errors = deps.editing.check(input);
      if (errors) return void (await ack({ response_action: 'errors', errors: fieldErrors(errors) }));
      // Valid: the modal closes at once; the time zone lookup, the save and the replan follow.
      await ack();
      try {
        await deps.editing.save(teamOf(body), body.user.id, input);
      } catch (err) {
        deps.log.error(
          { err: { message: (err as Error).message }, action: 'rules_save' },
          'slack listener failed',
        );
      }
    },
  );
}
