/**
 * Push → Slack DM: new mail is delivered to one of the mailboxes and its push sent, at a fixed rate
 * over all of them; the latency runs from the push being sent to the Slack emulator recording the
 * chat.postMessage that announces that Gmail id. Also the server's CPU per push → DM, and every
 * Gmail id counted in the DMs: none missing, none announced twice.
 */
import { announcedIdsOf, openHarness, syncIdle } from '../../test/helpers/notify-harness';
import type { Stack } from '../../test/helpers/stack';
import { cpuMs, percentile, sleep, startCompiled, withStack, type Row } from '../lib/compiled';
import { openLoop, pushBody, pushPoster } from '../lib/load';
import { insertMailboxes } from '../lib/mailboxes';
import { SIZES } from '../sizes';

/** Slack posts per announced Gmail id, with the time the emulator recorded each. */
function announcements(stack: Stack): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const m of stack.slack.messages) {
    if (m.kind !== 'postMessage') continue;
    for (const id of announcedIdsOf(m)) out.set(id, [...(out.get(id) ?? []), m.at.getTime()]);
  }
  return out;
}

export async function dmPart(): Promise<Row[]> {
  const { mailboxes: n, perSecond, seconds } = SIZES.dm;
  return withStack({ realFlow: SIZES.realFlow }, async (stack, flow) => {
    const boxes = [...flow, ...(await insertMailboxes(stack, n - flow.length, { watchDue: false }))];
    const { server } = await startCompiled(stack);
    const pid = server.child.pid!;
    const h = await openHarness(stack);
    const push = pushPoster(stack);
    try {
      await syncIdle(h, 120_000);
      const sentAt = new Map<string, number>();
      const cpu0 = cpuMs(pid);
      const answers = await openLoop(perSecond, seconds, (i) => {
        const email = boxes[(i * 7919) % boxes.length]!.email;
        const mail = stack.google.deliver(email, { from: 'news@example.org', subject: `Bench ${i}` });
        sentAt.set(mail.id, Date.now());
        return push.post(pushBody(email, mail.historyId));
      });
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        const seen = announcements(stack);
        if ([...sentAt.keys()].every((id) => seen.has(id))) break;
        await sleep(200);
      }
      await syncIdle(h, 120_000);
      const cpuPerDm = (cpuMs(pid) - cpu0) / sentAt.size;
      const seen = announcements(stack);
      const latencies: number[] = [];
      let lost = 0;
      let duplicated = 0;
      for (const [id, at] of sentAt) {
        const posts = seen.get(id) ?? [];
        if (posts.length === 0) lost += 1;
        if (posts.length > 1) duplicated += 1;
        if (posts[0] !== undefined) latencies.push(posts[0] - at);
      }
      const refused = answers.filter((a) => a.status !== 204).length;
      if (refused) console.log(`  ${refused} pushes were not answered 204`);
      const p50 = percentile(latencies, 50);
      const p99 = percentile(latencies, 99);
      return [
        {
          figure: `push → Slack DM, ${perSecond} pushes/s over ${n} mailboxes, p50 / p99`,
          value: `${p50.toFixed(0)} ms / ${p99.toFixed(0)} ms`,
          goal: '≤ 50 ms / ≤ 250 ms',
          met: p50 <= 50 && p99 <= 250 && lost === 0,
        },
        {
          figure: 'server CPU per push → DM',
          value: `${cpuPerDm.toFixed(2)} ms`,
          goal: '≤ 2 ms',
          met: cpuPerDm <= 2,
        },
        {
          figure: `lost / duplicated notifications (${sentAt.size} emails)`,
          value: `${lost} / ${duplicated}`,
          goal: '0 / 0',
          met: lost === 0 && duplicated === 0,
        },
      ];
    } finally {
      await push.close();
      await h.close();
    }
  });
}
