/** How the visits-service names and describes itself (logs, its OpenAPI document's title and description). */
export const VISITS_SERVICE = {
  name: 'visits-service',
  description:
    "Visits of salon clients: booking with a chain-wide number, the lifecycle, services and payments; the client's visit list and visit statistics.",
} as const;
