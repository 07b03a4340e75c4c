import { Injectable } from '@nestjs/common';
import { ConsentSource, MarketingConsentEvidence, isMarketingPermission, parseConsentPermission } from '@salon/consent/domain';
import { DomainError } from '@salon/shared/ddd';
import { CommandContext, commandMetadata } from '@salon/shared/nest';
import { ConsentLedger, ConsentWriteResult } from '../consent-ledger/consent-ledger';

/** A marketing grant: the evidence of written consent is required. */
export interface ConsentChange {
  readonly granted: boolean;
  readonly source: ConsentSource;
  readonly evidence?: MarketingConsentEvidence;
}

/** Grants or withdraws one permission; a marketing grant goes with its written consent. */
@Injectable()
export class SetConsent {
  constructor(private readonly ledger: ConsentLedger) {}

  async execute(context: CommandContext, clientId: string, permissionName: string, change: ConsentChange): Promise<ConsentWriteResult> {
    const permission = parseConsentPermission(permissionName);
    const metadata = commandMetadata(context);
    const { source } = change;
    if (!change.granted) {
      return this.ledger.record(clientId, { type: 'WithdrawConsent', data: { clientId, permission, source }, metadata });
    }
    if (!isMarketingPermission(permission)) {
      return this.ledger.record(clientId, { type: 'GrantConsent', data: { clientId, permission, source }, metadata });
    }
    if (change.evidence === undefined || change.evidence === null) {
      throw DomainError.invalid(
        'written-consent-required',
        `"${permission}" may be switched on only with the client's written consent: send its "evidence"`,
        { field: 'evidence', permission },
      );
    }
    return this.ledger.record(clientId, {
      type: 'GrantMarketingConsent',
      data: { clientId, permission, evidence: change.evidence, source },
      metadata,
    });
  }
}
