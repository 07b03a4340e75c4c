/** How the clients-service names and describes itself (logs, its OpenAPI document's title and description). */
export const CLIENTS_SERVICE = {
  name: 'clients-service',
  description:
    'Client profiles of a salon chain: registration, profile edits, discounts, deletion, search.',
} as const;
