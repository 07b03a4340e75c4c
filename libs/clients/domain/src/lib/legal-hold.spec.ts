import { CommandMetadata, specificationFor } from '@salon/shared/ddd';
import { ClientCommand, ClientEvent, ClientRegistered, clientDecider } from './client';

const spec = specificationFor(clientDecider);
const clientId = 'c-1';
const now = new Date();
const at = now.toISOString();
const metadata: CommandMetadata = { tenantId: 'chain-1', correlationId: 'corr-1', causationId: 'cause-1', now };
const command = <C extends ClientCommand>(type: C['type'], data: C['data']): C => ({ type, data, metadata }) as C;

const registered: ClientRegistered = {
  type: 'ClientRegistered',
  data: { clientId, phone: '+48601234567', phoneLineType: 'mobile', smsCapable: true, gender: 'unspecified', comment: 'Prefers mornings', initialConsent: {}, registeredAt: at },
};
const held: ClientEvent = { type: 'ClientLegalHoldPlaced', data: { clientId, reason: 'litigation', reference: 'CASE-17', placedAt: at } };

describe('legal hold on a client', () => {
  it('is placed with a reason code and an optional reference, and lifted', () => {
    spec.given([registered]).when(command('PlaceLegalHold', { clientId, reason: 'litigation', reference: ' CASE-17 ' })).then([held]);
    spec.given([registered, held]).when(command('LiftLegalHold', { clientId })).then([{ type: 'ClientLegalHoldLifted', data: { clientId, liftedAt: at } }]);
  });

  it('placed again alike, or lifted when there is none, records nothing; another reason replaces it', () => {
    spec.given([registered, held]).when(command('PlaceLegalHold', { clientId, reason: 'litigation', reference: 'CASE-17' })).thenNothingHappened();
    spec.given([registered]).when(command('LiftLegalHold', { clientId })).thenNothingHappened();
    spec
      .given([registered, held])
      .when(command('PlaceLegalHold', { clientId, reason: 'tax-audit' }))
      .then([{ type: 'ClientLegalHoldPlaced', data: { clientId, reason: 'tax-audit', placedAt: at } }]);
  });

  it('refuses an unknown reason and a long reference, naming the field', () => {
    expect(spec.given([registered]).when(command('PlaceLegalHold', { clientId, reason: 'gossip' as never })).thenThrows('invalid-legal-hold-reason').details).toEqual({ field: 'reason' });
    expect(spec.given([registered]).when(command('PlaceLegalHold', { clientId, reason: 'litigation', reference: 'x'.repeat(65) })).thenThrows('invalid-legal-hold-reference').details).toEqual({ field: 'reference' });
  });

  it('refuses erasure, deletion and the retention comment drop while on, with a code that names the hold (409)', () => {
    const erase = spec.given([registered, held]).when(command('EraseClient', { clientId, archivedNumber: 1 })).thenThrows('client-on-legal-hold');
    expect(erase.kind).toBe('conflict');
    spec.given([registered, held]).when(command('DeleteClient', { clientId })).thenThrows('client-on-legal-hold');
    spec.given([registered, held]).when(command('DropClientComment', { clientId })).thenThrows('client-on-legal-hold');
    const lifted: ClientEvent = { type: 'ClientLegalHoldLifted', data: { clientId, liftedAt: at } };
    spec.given([registered, held, lifted]).when(command('EraseClient', { clientId, archivedNumber: 1 })).then([
      { type: 'ClientErased', data: { clientId, archivedNumber: 1, visitCount: 0, erasedAt: at } },
    ]);
  });
});

describe('the retention job drops a comment', () => {
  it('as a profile edit without the comment, the rest of the profile unchanged', () => {
    const { comment: _comment, initialConsent: _consent, registeredAt: _at, ...rest } = registered.data;
    spec.given([registered]).when(command('DropClientComment', { clientId })).then([{ type: 'ClientProfileEdited', data: { ...rest, editedAt: at } }]);
  });
  it('records nothing when there is no comment', () => {
    const { comment: _comment, ...withoutComment } = registered.data;
    spec.given([{ type: 'ClientRegistered', data: withoutComment }]).when(command('DropClientComment', { clientId })).thenNothingHappened();
  });
});
