import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CONSENT_PERMISSIONS,
  CONTACT_REASONS,
  ConsentPermissions,
  ConsentState,
  ConsentSummary,
  ContactAnswer,
  ContactReason,
  MarketingPermission,
  toConsentSummary,
} from '@salon/consent/domain';

export class ContactAnswerResponse implements ContactAnswer {
  @ApiProperty({ description: 'Whether the message may be sent now.' })
  allowed!: boolean;

  @ApiProperty({ enum: CONTACT_REASONS, description: "'allowed', or the first rule that forbids it." })
  reason!: ContactReason;
}

export class ConsentSwitchesResponse implements ConsentPermissions {
  @ApiProperty({ description: '"Agrees to receive notifications": every automatic notification, reminders included.' })
  notifications!: boolean;
  @ApiProperty()
  remindersBySms!: boolean;
  @ApiProperty()
  remindersByEmail!: boolean;
  @ApiProperty({ description: 'E-mail marketing; ON only with written consent.' })
  newsletter!: boolean;
  @ApiProperty({ description: 'Marketing SMS; ON only with written consent.' })
  marketingSms!: boolean;
}

export class ConsentSummaryResponse implements ConsentSummary {
  @ApiProperty()
  notifications!: boolean;
  @ApiProperty()
  remindersBySms!: boolean;
  @ApiProperty()
  remindersByEmail!: boolean;
  @ApiProperty({ description: 'Newsletter or marketing SMS ON (written consent on record).' })
  marketing!: boolean;
}

export class MarketingEvidenceResponse {
  @ApiPropertyOptional()
  documentRef?: string;
  @ApiPropertyOptional()
  consentTextVersion?: string;
  @ApiProperty({ format: 'date-time' })
  signedAt!: string;
  @ApiProperty({ description: 'The staff member who collected the signature.' })
  collectedBy!: string;
  @ApiProperty()
  salonId!: string;
}

export class ConsentResponse {
  @ApiProperty({ format: 'uuid' })
  clientId!: string;

  @ApiProperty({ enum: ['open', 'closed', 'none'], description: "'none': no record yet; 'closed': deleted or erased client." })
  status!: 'open' | 'closed' | 'none';

  @ApiProperty({ nullable: true, enum: ['deleted', 'erased'] })
  closedBecause!: 'deleted' | 'erased' | null;

  @ApiProperty({ type: Boolean, nullable: true, description: 'Whether the phone can receive SMS; null without an open record.' })
  smsCapable!: boolean | null;

  @ApiProperty({ type: ConsentSwitchesResponse, description: 'The switches as recorded (all OFF without an open record).' })
  switches!: ConsentSwitchesResponse;

  @ApiProperty({ type: ConsentSummaryResponse, nullable: true, description: "The summary on the client's profile; null without an open record." })
  summary!: ConsentSummaryResponse | null;

  @ApiProperty({ description: 'The written consent behind each marketing switch that is ON (null while OFF).' })
  marketingEvidence!: Record<MarketingPermission, MarketingEvidenceResponse | null>;

  @ApiProperty({ type: String, example: '3', nullable: true, description: 'The consent stream revision this reflects.' })
  revision!: string | null;

  static of(clientId: string, state: ConsentState, revision: bigint | undefined): ConsentResponse {
    const open = state.status === 'open' ? state : undefined;
    const switches = Object.fromEntries(CONSENT_PERMISSIONS.map((permission) => [permission, open?.permissions[permission] ?? false]));
    const evidence = (permission: MarketingPermission) =>
      open?.permissions[permission] ? (open.marketingEvidence[permission] ?? null) : null;
    return {
      clientId,
      status: state.status,
      closedBecause: state.status === 'closed' ? state.reason : null,
      smsCapable: open ? open.smsCapable : null,
      switches: switches as unknown as ConsentSwitchesResponse,
      summary: toConsentSummary(state),
      marketingEvidence: { newsletter: evidence('newsletter'), marketingSms: evidence('marketingSms') },
      revision: revision === undefined ? null : String(revision),
    };
  }
}
