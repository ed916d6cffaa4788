import type { Redis } from 'ioredis';

/**
 * Reserves the next start slot (generic cell rate algorithm with no burst): the slot is the later of
 * now and the previous slot plus ARGV[1] µs, and the next one is remembered. Redis's own clock, so the
 * machines' clocks do not matter; whole microseconds, exact in Lua's numbers. Returns the µs until
 * the slot (0: now).
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local ttl = math.ceil((slot + interval - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.0f', slot + interval), 'PX', ttl)
return slot - now
`;

/**
 * At most `max` calls started in any window of `windowMs`, shared by every machine through Redis:
 * each `take()` reserves a start slot at least (windowMs + marginMs) / max ms after the one before it
 * (one atomic script, the slots in the order asked for) and waits for it, so a call beyond the rate
 * is delayed, never dropped, and no burst is ever let through. Any window of windowMs + marginMs
 * holds at most `max` slots, so calls reaching the other side up to `marginMs` later than their slot
 * (and no later than their neighbours by more) are still within the limit there. A caller that wakes
 * more than `marginMs / 2` after its slot (a busy event loop) leaves that slot unused and takes a new
 * one, so a late start never crowds the calls after it.
 *
 * Hand-written (a key and a short script) because the limiters at hand count fixed windows, which let
 * up to twice the rate through around a window's edge, or let a burst through at once.
 */
const COMMAND = 'rateGateTake';
type TakeCommand = (key: string, intervalUs: number) => Promise<unknown>;

export function createRateGate(p: {
  redis: Redis;
  key: string;
  max: number;
  windowMs: number;
  marginMs?: number;
  sleep?: (ms: number) => Promise<void>;
}) {
  const margin = p.marginMs ?? 0;
  // Rounded up to a whole µs: never closer than the rate allows.
  const intervalUs = Math.ceil(((p.windowMs + margin) * 1000) / p.max);
  const lateMs = Math.max(1, margin / 2);
  const sleep = p.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  // EVALSHA: the script is sent once per connection, not with every call.
  p.redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: TAKE });
  const reserve = (p.redis as unknown as Record<typeof COMMAND, TakeCommand>)[COMMAND].bind(p.redis);
  return {
    async take(): Promise<void> {
      for (;;) {
        const wait = Number(await reserve(p.key, intervalUs)) / 1000;
        if (wait <= 0) return;
        const from = performance.now();
        await sleep(Math.ceil(wait));
        if (performance.now() - from - wait <= lateMs) return;
      }
    },
  };
}

export type RateGate = ReturnType<typeof createRateGate>;
