import type { Redis } from 'ioredis';

/**
 * Spends ARGV[1] µs of a bucket (a call's units at the sustained rate) that holds at most ARGV[2] µs
 * (the burst): generic cell rate algorithm, on Redis's clock, in whole microseconds. KEYS[1] holds the
 * instant the bucket is empty again. The call may start once its units fit in the bucket; returns the
 * µs until then (0: now) and that start on Redis's clock, and records the new empty instant.
 */
const SPEND = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local cost = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local empty = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, empty + cost - burst)
local after = math.max(empty, start) + cost
redis.call('SET', KEYS[1], string.format('%.0f', after), 'PX', math.ceil((after - now) / 1000) + 1000)
return {start - now, start}
`;

/**
 * Units (Gmail's quota units, say) spent at `perSecond` on average, shared by every machine through
 * Redis, with bursts of at most `burst` units: any window of one second holds at most
 * `perSecond + burst` units, so no window edge lets twice the rate through, as fixed windows do.
 * A spend beyond the rate waits for its turn (reserved at once, in the order asked), never fails;
 * a spend while Redis is down throws. A single spend above `burst` is taken as `burst`.
 *
 * Hand-written (a key and a short script) because the limiters at hand count fixed windows.
 */
const COMMAND = 'quotaPacerSpend';
type SpendCommand = (key: string, costUs: number, burstUs: number) => Promise<unknown>;

export function createQuotaPacer(p: {
  redis: Redis;
  keyPrefix: string;
  perSecond: number;
  burst: number;
  sleep?: (ms: number) => Promise<void>;
}) {
  const unitUs = 1_000_000 / p.perSecond;
  const burstUs = Math.ceil(p.burst * unitUs);
  const sleep = p.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  // EVALSHA: the script is sent once per connection, not with every spend.
  p.redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: SPEND });
  const take = (p.redis as unknown as Record<typeof COMMAND, SpendCommand>)[COMMAND].bind(p.redis);
  return {
    /** Waits until `units` may be spent for `name` (an account); returns that start (ms, Redis's clock). */
    async spend(name: string, units: number): Promise<number> {
      const costUs = Math.ceil(Math.min(units, p.burst) * unitUs);
      const [waitUs, startUs] = (await take(`${p.keyPrefix}:${name}`, costUs, burstUs)) as [number, number];
      if (waitUs > 0) await sleep(Math.ceil(waitUs / 1000));
      return startUs / 1000;
    },
  };
}

export type QuotaPacer = ReturnType<typeof createQuotaPacer>;
