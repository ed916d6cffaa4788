import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { RecordTrigger } from './domain/record-trigger';
import type { IncomingMessage } from './domain/types';
import type { Metrics } from '../../platform/metrics';

const TRIGGER_EVENTS = new Set(['message', 'app_mention']);

interface EventEnvelope {
  type?: string;
  team_id?: string;
  enterprise_id?: string | null;
  is_ext_shared_channel?: boolean;
  event?: IncomingMessage;
}

export interface TriggerRecorderDeps {
  record: RecordTrigger;
  log: Logger;
  metrics: Pick<Metrics, 'triggers'>;
}

/**
 * Records `message` and `app_mention` events as triggers before the envelope is acknowledged:
 * Bolt acknowledges events before its listeners run, so the recorder sits in front of Bolt's
 * dispatch. A failed write leaves the envelope unacknowledged and Slack redelivers it.
 */
export function registerTriggerRecorder(app: Pick<App, 'processEvent'>, deps: TriggerRecorderDeps) {
  const dispatch = app.processEvent.bind(app);
  app.processEvent = async (receiverEvent) => {
    const body = receiverEvent.body as EventEnvelope;
    const event = body.event;
    if (body.type === 'event_callback' && event && TRIGGER_EVENTS.has(event.type)) {
      try {
        const trigger = await deps.record(event, {
          teamId: body.team_id ?? '',
          enterpriseId: body.enterprise_id,
          isExtSharedChannel: body.is_ext_shared_channel === true,
        });
        if (trigger) deps.metrics.triggers.inc({ kind: trigger.isBot ? 'bot' : 'human' });
      } catch (err) {
        deps.log.error(
          { err, channel: event.channel, ts: event.ts },
          'could not record trigger; leaving it for redelivery',
        );
        return;
      }
    }
    return dispatch(receiverEvent);
  };
}
