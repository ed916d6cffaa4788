import { Queue } from 'bullmq';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { REDIS_TEST_URL } from '../helpers/database';
import { lintMetrics, promtool, samplesOf, type Sample } from '../helpers/metrics-lint';
import { eventually, startStack, type Stack } from '../helpers/stack';

describe('operations: readiness and metrics', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const scrape = async () => {
    const res = await fetch(stack.server.metricsUrl);
    expect(res.status).toBe(200);
    return res.text();
  };
  const find = (samples: Sample[], name: string, labels: Record<string, string>) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  const readyz = async () => {
    const res = await fetch(`${stack.baseUrl}/readyz`);
    return { status: res.status, body: (await res.json()) as { checks: Record<string, string> } };
  };

  it('when /metrics is asked on the main port, then it is not there; the metrics port serves it', async () => {
    expect((await fetch(`${stack.baseUrl}/metrics`)).status).toBe(404);
    const res = await fetch(stack.server.metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toMatch(/^# HELP mailbridge_/m);
  });

  it('when the metrics are scraped, then promtool and its lint rules find nothing to complain about', async () => {
    const text = await scrape();
    expect(lintMetrics(text)).toEqual([]);
    const checked = promtool(text);
    if (checked) expect(checked).toEqual({ status: 0, output: '' });
  });

  it("when prom-client's default set is exposed as it comes, then the lint rules catch its *_total gauges", async () => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const text = await registry.metrics();
    expect(lintMetrics(text)).toEqual(
      expect.arrayContaining([
        'nodejs_active_handles_total: non-counter metrics should not have "_total" suffix',
      ]),
    );
    const checked = promtool(text);
    if (checked) expect(checked.output).toContain('nodejs_active_handles_total');
  });

  it('when requests are served, then their durations are counted by route pattern, method and status class', async () => {
    await fetch(`${stack.baseUrl}/healthz`);
    await fetch(`${stack.baseUrl}/no/such/page/12345`);
    const samples = samplesOf(await scrape());
    const count = 'mailbridge_http_request_duration_seconds_count';
    expect(find(samples, count, { route: '/healthz', method: 'GET', status_class: '2xx' })).toHaveLength(1);
    expect(find(samples, count, { route: 'unmatched', method: 'GET', status_class: '4xx' })).toHaveLength(1);
    const routes = new Set(samples.filter((s) => s.name === count).map((s) => s.labels.route));
    expect([...routes].filter((r) => r?.includes('12345'))).toEqual([]);
  });

  it('when jobs wait in a queue, then the scrape reports its depth per state', async () => {
    const queue = new Queue('maintenance', {
      connection: { url: REDIS_TEST_URL },
      prefix: `${stack.redisPrefix}:bull`,
    });
    try {
      await queue.add('purge-triggers', {}, { delay: 3_600_000, jobId: 'depth-probe' });
      const samples = samplesOf(await scrape());
      const depth = find(samples, 'mailbridge_queue_jobs', { queue: 'maintenance', state: 'delayed' });
      expect(depth.map((s) => s.value >= 1)).toEqual([true]);
      for (const q of ['send', 'notify', 'maintenance'])
        for (const state of ['waiting', 'active', 'delayed', 'failed'])
          expect(find(samples, 'mailbridge_queue_jobs', { queue: q, state })).toHaveLength(1);
    } finally {
      await queue.remove('depth-probe');
      await queue.close();
    }
  });

  it('when the Slack socket is down, then readiness stays 200 and reports it, and the gauge says 0 until it is back', async () => {
    const gauge = async () =>
      samplesOf(await scrape()).find((s) => s.name === 'mailbridge_slack_socket_connected')?.value;
    expect(await gauge()).toBe(1);
    stack.slack.fail('apps.connections.open', { status: 500, times: 1_000 });
    try {
      stack.slack.dropConnections();
      const down = await eventually(async () => {
        const r = await readyz();
        return r.body.checks.slack === 'down' ? r : undefined;
      });
      expect(down).toEqual({
        status: 200,
        body: { status: 'ready', checks: { postgres: 'up', redis: 'up', slack: 'down' } },
      });
      expect(await gauge()).toBe(0);
    } finally {
      stack.slack.clearFaults();
    }
    await eventually(async () => (await readyz()).body.checks.slack === 'up', 30_000, 200);
    expect(await gauge()).toBe(1);
  });
});
