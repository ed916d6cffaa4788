/**
 * Something a person's App Home shows has just changed: publish it again, soon, once per burst. Never
 * throws and never waits for the publish (a failure to ask is logged by the implementation), so a
 * caller on a hot path can call it and move on.
 */
export type RefreshHome = (teamId: string, userId: string) => void;

/** For modules built without an App Home (unit tests, tools). */
export const noHomeRefresh: RefreshHome = () => undefined;
