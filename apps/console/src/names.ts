import type { ClientCard, ClientListItem } from './api';
import type { Messages } from './i18n';

/**
 * How a client is named on screen: "Archived client N" once erased, else the names, else
 * "Client" (the manuals' word, in the console's language; nothing is written into the data).
 */
export function clientName(t: Messages, client: Pick<ClientCard | ClientListItem, 'status' | 'names' | 'archivedNumber'>): string {
  if (client.status === 'erased') return t.archivedClient(client.archivedNumber ?? 0);
  const { firstName, patronymic, lastName } = client.names;
  const name = [firstName, patronymic, lastName].filter((part) => part && part.trim()).join(' ');
  return name || t.nameless;
}

export function formatDate(language: string, iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleDateString(language, { year: 'numeric', month: '2-digit', day: '2-digit' }) : '—';
}

export function formatDateTime(language: string, iso: string): string {
  return new Date(iso).toLocaleString(language, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}
