import { InMemoryKeyStore, PersonalDataCipher } from '@salon/shared/crypto';
import { IncomingMessage, projectInMemory } from '@salon/shared/messaging';
import { ClientProfileDocument } from './client-profile.document';
import { toClientProfileView } from './client-profile.view';
import { createClientProfilesProjection } from './client-profiles.projection';
import { ClientMessages } from './test/client-messages';

describe('the legal hold on the client card', () => {
  const keys = new InMemoryKeyStore();
  const projection = createClientProfilesProjection(new PersonalDataCipher(keys));
  const anna = new ClientMessages(keys, 'chain-1');
  const documents = new Map<string, ClientProfileDocument | null>();
  const run = async (...messages: IncomingMessage[]) => (await projectInMemory(projection, messages, documents)).get(anna.clientId);

  it('shows legalHold true while held and false once lifted, and never the case reference', async () => {
    const registered = await run(await anna.registered({ phone: '+48601234567', firstName: 'Anna' }));
    expect(registered && toClientProfileView(registered).legalHold).toBe(false);

    const held = await run(await anna.legalHoldPlaced('litigation', 'Kowalska v. Salon 17'));
    expect(held).toMatchObject({ legalHold: true, revision: 1 });
    expect(JSON.stringify(held)).not.toContain('Kowalska');
    expect(held && toClientProfileView(held).legalHold).toBe(true);

    const lifted = await run(await anna.legalHoldLifted());
    expect(lifted).toMatchObject({ legalHold: false, revision: 2 });
  });
});
