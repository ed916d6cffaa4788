import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { TriggerRepo } from './trigger-store';
import { toTriggerRow, type IncomingMessage } from './domain/record-trigger';
import type { Metrics } from '../../platform/metrics';

const TRIGGER_EVENTS = new Set(['message', 'app_mention']);

interface EventEnvelope {
  type?: string;
  team_id?: string;
  enterprise_id?: string | null;
  is_ext_shared_channel?: boolean;
  event?: IncomingMessage;
}

/**
 * Records `message` and `app_mention` events as trigger rows before the envelope is acknowledged:
 * Bolt acknowledges events before its listeners run, so the recorder sits in front of Bolt's
 * dispatch. A failed write leaves the envelope unacknowledged and Slack redelivers it.
 */
export function registerTriggerRecorder(
  app: App,
  deps: { triggers: TriggerRepo; log: Logger; metrics: Metrics },
) {
  const dispatch = app.processEvent.bind(app);
  app.processEvent = async (receiverEvent) => {
    const body = receiverEvent.body as EventEnvelope;
    if (body.type === 'event_callback' && body.event && TRIGGER_EVENTS.has(body.event.type)) {
      const row = toTriggerRow(body.event, {
        teamId: body.team_id ?? '',
        enterpriseId: body.enterprise_id,
        isExtSharedChannel: body.is_ext_shared_channel === true,
      });
      if (row?.teamId) {
        try {
          await deps.triggers.record(row);
          deps.metrics.triggers.inc({ kind: row.isBot ? 'bot' : 'human' });
        } catch (err) {
          deps.log.error(
            { err, channel: row.channelId, ts: row.ts },
            'could not record trigger; leaving it for redelivery',
          );
          return;
        }
      }
    }
    return dispatch(receiverEvent);
  };
}
