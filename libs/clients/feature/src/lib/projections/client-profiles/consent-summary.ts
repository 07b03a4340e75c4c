import { ConsentStateV1 } from '@salon/contracts';
import { ConsentSummary } from './client-profile.document';

/** What the client card shows of the consent context's public state (`consent.consent-state.v1`). */
export function summaryOf(state: ConsentStateV1): ConsentSummary {
  const { switches } = state;
  return {
    notifications: switches.notifications,
    remindersBySms: switches.remindersBySms,
    remindersByEmail: switches.remindersByEmail,
    marketing: switches.newsletter || switches.marketingSms,
  };
}
