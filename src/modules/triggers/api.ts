import type { TriggerStore } from './domain/ports';

/** What the other modules use of triggers: sending looks them up, retention purges them. */
export type TriggersModule = Pick<TriggerStore, 'findByTs' | 'purgeOlderThan'>;
