// The operations this client runs. GraphQL Code Generator reads them and
// writes their types to src/gql/ (`npm run codegen`).
import { graphql } from './gql';

/** A chart: how many support channels each Marrakech commitment maps to, by role. */
export const ChannelsPerCommitment = graphql(`
  query ChannelsPerCommitment($pillar: Pillar) {
    commitments(pillar: $pillar) {
      id
      number
      name
      pillar
      supportChannels {
        role
        channel {
          id
          name
        }
        via {
          id
        }
      }
    }
  }
`);

/** Head Office's question: which channels can act for this NHRI, in this situation, and why. */
export const ActivationPlan = graphql(`
  query ActivationPlan($situation: SituationInput!) {
    activationPlan(situation: $situation) {
      country {
        code
        name
      }
      nhri {
        id
        name
      }
      notes
      recommendations {
        rank
        score
        specificity
        requiresConsent
        channel {
          id
          name
        }
        reasons
      }
      notApplicable {
        channel {
          id
        }
        reason
      }
    }
  }
`);

/**
 * A dashboard that mixes public and protected fields: without a key (or
 * with one that may not read the threat log) `threatIncidents` is null with
 * an UNAUTHENTICATED (or FORBIDDEN) error, and `graphStats` is served.
 */
export const Dashboard = graphql(`
  query Dashboard {
    graphStats {
      totalNodes
      totalRelationships
      nodes {
        key
        count
      }
    }
    threatIncidents(first: 5) {
      totalCount
      edges {
        node {
          id
          reportedAt
          status
          nhri {
            name
          }
        }
      }
    }
  }
`);
