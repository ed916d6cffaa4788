import type { Redis } from 'ioredis';

/**
 * Takes a slot if fewer than ARGV[1] were taken in the last ARGV[2] ms (Redis's own clock, so the
 * machines' clocks do not matter): returns 0, or how many ms until the oldest slot leaves the window.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;

/**
 * A limit of `max` calls per sliding window, shared by every machine through Redis: `take()` waits
 * until a slot is free, so a call beyond the rate is delayed, never dropped. The window is counted
 * from the instant each call was let through; `marginMs` widens it so that calls reaching the other
 * side up to that much later or sooner than their neighbours are still within the limit there.
 *
 * Hand-written (a sorted set and a short script) because the limiters at hand count fixed windows,
 * which let up to twice the rate through around a window's edge.
 */
export function createRateGate(p: {
  redis: Redis;
  key: string;
  max: number;
  windowMs: number;
  marginMs?: number;
  sleep?: (ms: number) => Promise<void>;
}) {
  const window = p.windowMs + (p.marginMs ?? 0);
  const sleep = p.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let seq = 0;
  const id = `${process.pid}:${Math.random().toString(36).slice(2)}`;
  return {
    async take(): Promise<void> {
      for (;;) {
        const wait = Number(await p.redis.eval(TAKE, 1, p.key, p.max, window, `${id}:${seq++}`));
        if (wait === 0) return;
        await sleep(wait);
      }
    },
  };
}

export type RateGate = ReturnType<typeof createRateGate>;
