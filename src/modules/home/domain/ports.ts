import type { HomeConnection, HomeEmail, HomeMailbox, HomeState } from './types';

/** Reads of the other modules' state for one person. */
export interface HomeSources {
  connection(teamId: string, userId: string): Promise<HomeConnection | undefined>;
  mailbox(connectionId: string): Promise<HomeMailbox | undefined>;
  recentEmails(teamId: string, userId: string, take: number): Promise<HomeEmail[]>;
  rules?(teamId: string, userId: string): Promise<string[]>;
}

/** Publishes the Home view built from the state (views.publish). */
export interface HomePublisher {
  publish(state: HomeState): Promise<void>;
}

/** Who opened their Home at least once: only their Homes are kept up to date. */
export interface HomeVisits {
  recordOpened(teamId: string, userId: string, at: Date): Promise<void>;
  hasOpened(teamId: string, userId: string): Promise<boolean>;
}
