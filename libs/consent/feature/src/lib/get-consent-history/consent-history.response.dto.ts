import { ApiProperty } from '@nestjs/swagger';
import { CONSENT_SOURCES, ConsentEvent, ConsentSource } from '@salon/consent/domain';
import { ConsentHistoryEntry } from './get-consent-history.query';

export class ConsentHistoryEntryResponse {
  @ApiProperty({ example: '0', description: 'The position of the change in the client consent stream.' })
  revision!: string;

  @ApiProperty({ example: 'ConsentGranted', description: 'What happened (see the consent-events contract).' })
  type!: string;

  @ApiProperty({ format: 'date-time', description: 'When.' })
  at!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Who: the staff member; null for changes taken from the clients context.' })
  actorId!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Where: the salon.' })
  salonId!: string | null;

  @ApiProperty({ enum: CONSENT_SOURCES, description: 'Through what.' })
  source!: ConsentSource;

  @ApiProperty({ description: 'The whole event as recorded (permission, evidence, ...).' })
  data!: Record<string, unknown>;

  @ApiProperty()
  correlationId!: string;

  static of(entry: ConsentHistoryEntry): ConsentHistoryEntryResponse {
    const { event } = entry;
    return {
      revision: String(entry.revision),
      type: event.type,
      at: momentOf(event),
      actorId: event.data.actorId,
      salonId: event.data.salonId,
      source: event.data.source,
      data: { ...event.data },
      correlationId: entry.correlationId,
    };
  }
}

function momentOf(event: ConsentEvent): string {
  switch (event.type) {
    case 'RegistrationConsentApplied':
      return event.data.appliedAt;
    case 'ConsentGranted':
    case 'MarketingConsentGranted':
      return event.data.grantedAt;
    case 'ConsentWithdrawn':
    case 'AllMarketingConsentWithdrawn':
      return event.data.withdrawnAt;
    case 'SmsCapabilityChanged':
      return event.data.changedAt;
    case 'SmsConsentSwitchedOff':
      return event.data.switchedOffAt;
    case 'ConsentClosed':
      return event.data.closedAt;
  }
}

export class ConsentHistoryResponse {
  @ApiProperty({ format: 'uuid' })
  clientId!: string;

  @ApiProperty({ type: [ConsentHistoryEntryResponse], description: 'Every change, oldest first (newest last).' })
  changes!: ConsentHistoryEntryResponse[];
}
