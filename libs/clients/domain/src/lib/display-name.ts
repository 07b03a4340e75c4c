/** Shown for a client without any name. Derived when displaying; the stored names stay empty. */
export const NAMELESS_CLIENT_DISPLAY_NAME = 'Client';

export interface ClientNames {
  readonly firstName?: string | null;
  readonly lastName?: string | null;
  readonly patronymic?: string | null;
}

/**
 * The name a client is shown by: first name, patronymic, last name ("Иван Сергеевич Петров",
 * "Anna Kowalska"), or "Client" when there is none. This order reads naturally both where a
 * patronymic is used and where it is not.
 */
export function displayNameOf({ firstName, lastName, patronymic }: ClientNames): string {
  const parts = [firstName, patronymic, lastName].map((part) => part?.trim()).filter((part) => !!part);
  return parts.length > 0 ? parts.join(' ') : NAMELESS_CLIENT_DISPLAY_NAME;
}

/** The name an erased client is shown by in visits and statistics; N is numbered per chain. */
export function archivedDisplayName(archivedNumber: number): string {
  return `Archived client ${archivedNumber}`;
}
