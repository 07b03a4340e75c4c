import { Command, Decider, DomainError, Event } from '@salon/shared/ddd';
import { EventCatalog } from '../lib/event-codec';

/**
 * A tiny decider for testing the command path: a guest signs in with a name and phone
 * (personal data), then may be renamed. Version 1 of GuestSignedIn had `fullName` instead of
 * `name`; the catalog upcasts it.
 */
export type GuestSignedIn = Event<'GuestSignedIn', { guestId: string; name: string; phone: string; visits: number }>;
export type GuestRenamed = Event<'GuestRenamed', { guestId: string; name: string }>;
export type GuestEvent = GuestSignedIn | GuestRenamed;

export type SignIn = Command<'SignIn', { guestId: string; name: string; phone: string }>;
export type Rename = Command<'Rename', { guestId: string; name: string }>;
export type GuestCommand = SignIn | Rename;

export type GuestState = { status: 'none' } | { status: 'signed-in'; name: string };

export const guestDecider: Decider<GuestState, GuestCommand, GuestEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve: (_state, event) => {
    switch (event.type) {
      case 'GuestSignedIn':
      case 'GuestRenamed':
        return { status: 'signed-in', name: event.data.name };
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'SignIn':
        if (state.status !== 'none') throw DomainError.conflict('already-signed-in', 'The guest has already signed in');
        return [{ type: 'GuestSignedIn', data: { ...command.data, visits: 1 } }];
      case 'Rename':
        if (state.status === 'none') throw DomainError.notFound('guest-not-found', 'No such guest');
        if (state.name === command.data.name) return [];
        return [{ type: 'GuestRenamed', data: command.data }];
    }
  },
};

export const guestCatalog: EventCatalog<GuestEvent> = {
  GuestSignedIn: {
    schemaVersion: 2,
    personalFields: ['name', 'phone'],
    upcasters: { 1: ({ fullName, ...rest }) => ({ ...rest, name: fullName }) },
  },
  GuestRenamed: { schemaVersion: 1, personalFields: ['name'] },
};

export const guestIdOf = (streamName: string) => streamName.slice(streamName.indexOf('-') + 1);
