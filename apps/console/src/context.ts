import { createContext, useContext } from 'react';
import type { Apis } from './api';
import type { Language, Messages } from './i18n';

export interface Session {
  readonly token: string;
  readonly tenant: string;
  readonly role: string;
  readonly user: string;
  readonly salonId: string;
}

export interface ConsoleContext {
  readonly t: Messages;
  readonly language: Language;
  readonly session: Session;
  readonly api: Apis;
}

export const Console = createContext<ConsoleContext | undefined>(undefined);

export function useConsole(): ConsoleContext {
  const value = useContext(Console);
  if (!value) throw new Error('useConsole outside the signed-in console');
  return value;
}
