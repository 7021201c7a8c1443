/**
 * What `appendfsync always` costs the writes that must survive a crash of Redis (kill -9, power):
 * ballots (`votes:cast`) and minutes saves (`minutes:saveSection`), each timed from the client's
 * request to its acknowledgement through the real signaling, against `everysec` in the same run.
 *
 *   npx tsx bench/redis-fsync.ts [--votes 40] [--saves 200]
 */
import { parseArgs } from 'node:util';
import { MEETING_ID, MeetingEndpoint, startFaultStack, type FaultStack } from '@ehop/faults';
import type { ClientRequest } from '@ehop/protocol';
import { percentile, round } from './lib/stats.js';

const { values } = parseArgs({ options: { votes: { type: 'string', default: '40' }, saves: { type: 'string', default: '200' } } });
const VOTES = Number(values.votes);
const SAVES = Number(values.saves);
const VOTERS = ['daibieu1', 'daibieu2', 'daibieu3'] as const;

interface Timings {
  ballots: number[];
  saves: number[];
}

async function timed(samples: number[], work: () => Promise<unknown>): Promise<void> {
  const startedAt = performance.now();
  await work();
  samples.push(performance.now() - startedAt);
}

async function measure(appendfsync: 'everysec' | 'always'): Promise<Timings> {
  const stack: FaultStack = await startFaultStack({ redis: { appendfsync } });
  const people: MeetingEndpoint[] = [];
  try {
    const url = stack.nodes[0]!.url;
    const person = async (username: string) => {
      const endpoint = await MeetingEndpoint.join(`u-${username}`, { url, cookie: await stack.login(username), meetingId: MEETING_ID, media: 'none' });
      people.push(endpoint);
      return endpoint;
    };
    const chair = await person('chutri');
    const secretary = await person('thuky');
    const voters = await Promise.all(VOTERS.map(person));
    const meeting = { meetingId: MEETING_ID };
    const started = await fetch(`${url}/api/meetings/${MEETING_ID}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: await stack.login('chutri') },
      body: JSON.stringify({ status: 'in_progress' }),
    });
    if (!started.ok) throw new Error(`meeting did not start: ${started.status}`);
    for (const userId of ['u-chutri', ...VOTERS.map((name) => `u-${name}`)]) await secretary.request('attendance:checkIn', { ...meeting, userId, status: 'present' });
    const { agenda } = await chair.request('agenda:get', meeting);

    const timings: Timings = { ballots: [], saves: [] };
    for (let round = 0; round < VOTES; round++) {
      const vote = await chair.request('votes:open', { ...meeting, agendaItemId: agenda.items[0]!.id, question: `Biểu quyết ${round + 1}`, secret: round % 2 === 1, chairVotes: true });
      for (const [index, voter] of [chair, ...voters].entries()) {
        await timed(timings.ballots, () => voter.request('votes:cast', { ...meeting, voteId: vote.id, optionId: vote.options[index % vote.options.length]!.id }));
      }
      await chair.request('votes:close', { ...meeting, voteId: vote.id });
    }

    const { minutes } = await secretary.request('minutes:get', meeting);
    const section = minutes.sections[0]!;
    let revision = section.revision;
    for (let save = 0; save < SAVES; save++) {
      const doc = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: `Bản ghi số ${save + 1}: ${'nội dung '.repeat(20)}` }] }] };
      await timed(timings.saves, async () => {
        const saved = await secretary.request('minutes:saveSection', { ...meeting, sectionId: section.id, baseRevision: revision, doc } as ClientRequest<'minutes:saveSection'>);
        revision = saved.sectionRevision;
      });
    }
    return timings;
  } finally {
    for (const endpoint of people) endpoint.close();
    await stack.stop();
  }
}

const row = (label: string, samples: number[]) =>
  `${label.padEnd(28)} ${String(samples.length).padStart(5)} ${String(round(percentile(samples, 50), 2)).padStart(8)} ${String(round(percentile(samples, 95), 2)).padStart(8)} ${String(round(percentile(samples, 99), 2)).padStart(8)}`;

// Alternated (everysec, always, always, everysec) so a change of load on the machine weighs on both alike.
const everysec: Timings = { ballots: [], saves: [] };
const always: Timings = { ballots: [], saves: [] };
for (const policy of ['everysec', 'always', 'always', 'everysec'] as const) {
  const timings = await measure(policy);
  const into = policy === 'always' ? always : everysec;
  into.ballots.push(...timings.ballots);
  into.saves.push(...timings.saves);
}
console.log(`\nrequest -> acknowledgement through signaling, ms (2 runs of ${VOTES} votes x 4 ballots and ${SAVES} minutes saves per policy)`);
console.log(`${'write'.padEnd(28)} ${'n'.padStart(5)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'p99'.padStart(8)}`);
console.log(row('votes:cast, everysec', everysec.ballots));
console.log(row('votes:cast, always', always.ballots));
console.log(row('minutes:saveSection, everysec', everysec.saves));
console.log(row('minutes:saveSection, always', always.saves));
for (const [label, base, test] of [['votes:cast', everysec.ballots, always.ballots], ['minutes:saveSection', everysec.saves, always.saves]] as const) {
  console.log(`${label}: always costs ${round(percentile(test, 50) - percentile(base, 50), 2)} ms at p50, ${round(percentile(test, 95) - percentile(base, 95), 2)} ms at p95`);
}
process.exit(0);
