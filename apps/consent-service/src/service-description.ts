/** How the consent-service names and describes itself (logs, its OpenAPI document's title and description). */
export const CONSENT_SERVICE = {
  name: 'consent-service',
  description:
    'Notification consent of salon clients: the consent ledger with evidence, the "may I send?" query, and the consent-state topic.',
} as const;
