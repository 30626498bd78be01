// Runs the three example operations against a Marrakech Graph server and
// prints what a dashboard would draw. MARRAKECH_GRAPH_URL names the endpoint
// (http://localhost:8080/query by default); MARRAKECH_GRAPH_KEY, if set, is
// sent as the API key. With --json it prints one JSON summary instead.
import { MarrakechGraph, errorCodes } from './client';
import { ActivationPlan, ChannelsPerCommitment, Dashboard } from './operations';
import type { ChannelsPerCommitmentQuery, ChannelRole } from './gql/graphql';

const url = process.env.MARRAKECH_GRAPH_URL ?? 'http://localhost:8080/query';
const client = new MarrakechGraph({ url, apiKey: process.env.MARRAKECH_GRAPH_KEY || undefined });
const json = process.argv.includes('--json');

type Commitment = ChannelsPerCommitmentQuery['commitments'][number];

/** Channels of a commitment counted by role: one bar per commitment, stacked by role. */
function channelsByRole(c: Commitment): Record<ChannelRole, number> {
  const counts: Record<ChannelRole, number> = { ACTS: 0, PROCESS: 0, BENEFICIARY: 0 };
  for (const s of c.supportChannels) counts[s.role] += 1;
  return counts;
}

async function main(): Promise<void> {
  // 1. A chart: channels per commitment.
  const chart = await client.request(ChannelsPerCommitment, { pillar: null });
  if (!chart.data) throw new Error(`ChannelsPerCommitment failed: ${JSON.stringify(chart.errors)}`);
  const bars = chart.data.commitments.map((c) => ({
    commitment: c.id,
    label: `${c.number}. ${c.name}`,
    channels: c.supportChannels.length,
    byRole: channelsByRole(c),
  }));

  // 2. An activation plan for an NHRI under threat.
  const plan = await client.request(ActivationPlan, {
    situation: {
      nhri: 'nhri:gt',
      threats: ['threat-type:smear-campaigns'],
      targets: ['MEMBERS_OR_STAFF'],
      urgent: true,
      consentToShare: true,
    },
  });
  if (!plan.data) throw new Error(`ActivationPlan failed: ${JSON.stringify(plan.errors)}`);
  const p = plan.data.activationPlan;

  // 3. Public and protected fields in one query: a refusal stays local.
  const dashboard = await client.request(Dashboard);
  const stats = dashboard.data?.graphStats ?? null;
  const incidents = dashboard.data?.threatIncidents ?? null;

  if (json) {
    console.log(
      JSON.stringify({
        chart: bars.map(({ commitment, channels, byRole }) => ({ commitment, channels, byRole })),
        plan: {
          country: p.country.code,
          nhri: p.nhri?.id ?? null,
          recommendations: p.recommendations.map((r) => ({ rank: r.rank, channel: r.channel.id })),
          notApplicable: p.notApplicable.length,
        },
        dashboard: {
          totalNodes: stats?.totalNodes ?? null,
          incidents: incidents ? { totalCount: incidents.totalCount, latest: incidents.edges.map((e) => e.node.reportedAt) } : null,
          errors: errorCodes(dashboard.errors),
        },
      }),
    );
    return;
  }

  console.log('Channels per Marrakech commitment');
  for (const b of bars) {
    console.log(`  ${b.label.padEnd(60)} ${'#'.repeat(b.channels)} ${b.channels} (acts ${b.byRole.ACTS})`);
  }
  console.log(`\nActivation plan for ${p.nhri?.name ?? p.country.name} (${p.country.code})`);
  for (const n of p.notes) console.log(`  note: ${n}`);
  for (const r of p.recommendations.slice(0, 5)) {
    console.log(`  ${r.rank}. ${r.channel.name} [${r.specificity}, score ${r.score}, consent ${r.requiresConsent}]`);
    console.log(`     ${r.reasons[0] ?? ''}`);
  }
  console.log(`  … ${p.recommendations.length} channels can act, ${p.notApplicable.length} cannot`);
  console.log('\nDashboard');
  console.log(`  entities: ${stats?.totalNodes ?? 'n/a'}, relationships: ${stats?.totalRelationships ?? 'n/a'}`);
  if (incidents) {
    console.log(`  incidents: ${incidents.totalCount}`);
  } else {
    for (const e of errorCodes(dashboard.errors)) console.log(`  ${e.path}: not shown (${e.code})`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
