import { Injectable } from '@nestjs/common';
import { InitialConsentChoicesV1, RegistrationMarketingConsentV1 } from '@salon/contracts';
import { MessageContext, messageMetadata } from '@salon/shared/nest';
import { ConsentLedger, ConsentWriteResult } from '../consent-ledger/consent-ledger';

export interface RegistrationFacts {
  readonly smsCapable: boolean;
  readonly hasEmail: boolean;
  readonly initialConsent?: InitialConsentChoicesV1;
  /** Written marketing consent an imported row brought, with its evidence. */
  readonly marketingConsent?: RegistrationMarketingConsentV1;
}

/** Opens the client's consent record with the choices of the registration form, and an import's written marketing consent (from the clients' ClientRegistered). */
@Injectable()
export class ApplyRegistrationChoices {
  constructor(private readonly ledger: ConsentLedger) {}

  execute(context: MessageContext, clientId: string, registration: RegistrationFacts): Promise<ConsentWriteResult> {
    return this.ledger.record(clientId, {
      type: 'ApplyRegistrationChoices',
      data: { clientId, ...registration },
      metadata: messageMetadata(context),
    });
  }
}
