import { verifyHomeButton } from './home-button';
import type { HomeAction } from './types';

export interface ActionDeps {
  signingKey: string;
  /** The person's current connection (its id and when it was made), if any. */
  currentConnection(teamId: string, userId: string): Promise<{ id: string; connectedAt: Date } | undefined>;
  /** Runs the action as the matching slash command would (connect's and notify's use cases). */
  run(action: HomeAction, teamId: string, userId: string): Promise<void>;
  /** Asks for a publish of the person's Home after the change (never throws). */
  refreshHome(teamId: string, userId: string): void;
}

export interface HomeClick {
  teamId: string;
  /** Who clicked. */
  userId: string;
  action: HomeAction;
  value: string;
}

export type ClickResult =
  | { kind: 'done' }
  /** Forged or tampered value, another person's Home, or a value signed for another button. */
  | { kind: 'refused' }
  /**
   * The button named a connection that is no longer the person's, or an earlier connection of theirs
   * (a reconnect keeps the row's id, not its time): the Home is shown afresh instead.
   */
  | { kind: 'stale' };

/**
 * A Home button acts only for the Home's owner, with a value this server signed for that button: a
 * click by anyone else, or with a value changed on the way, does nothing. A button that named a
 * connection acts only while that connection is still the person's.
 */
export function createHomeActions(deps: ActionDeps) {
  return async function click(c: HomeClick): Promise<ClickResult> {
    const button = verifyHomeButton(deps.signingKey, c.value);
    if (!button || button.action !== c.action || button.userId !== c.userId || button.teamId !== c.teamId) {
      return { kind: 'refused' };
    }
    if (button.connectionId !== undefined) {
      const current = await deps.currentConnection(c.teamId, c.userId);
      if (
        !current ||
        current.id !== button.connectionId ||
        current.connectedAt.getTime() !== button.connectedAt
      ) {
        deps.refreshHome(c.teamId, c.userId);
        return { kind: 'stale' };
      }
    }
    await deps.run(c.action, c.teamId, c.userId);
    deps.refreshHome(c.teamId, c.userId);
    return { kind: 'done' };
  };
}

export type HomeClickHandler = ReturnType<typeof createHomeActions>;
