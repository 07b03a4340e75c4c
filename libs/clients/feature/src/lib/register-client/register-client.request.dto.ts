import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsObject, IsOptional, ValidateNested } from 'class-validator';
import type { InitialConsentChoicesV1 } from '@salon/contracts';
import { ClientProfileRequest } from '../http/client-profile.request.dto';

/**
 * The consent boxes of the registration form (the contract's InitialConsentChoicesV1, one
 * property each); the consent context applies them (one request for the desk).
 */
export class InitialConsentRequest implements InitialConsentChoicesV1 {
  @ApiPropertyOptional({ default: true, description: 'Agrees to receive automatic notifications (ON by default).' })
  @IsOptional()
  @IsBoolean()
  notifications?: boolean;

  @ApiPropertyOptional({ description: 'Visit reminders by SMS (impossible for a landline).' })
  @IsOptional()
  @IsBoolean()
  remindersBySms?: boolean;

  @ApiPropertyOptional({ description: 'Visit reminders by e-mail.' })
  @IsOptional()
  @IsBoolean()
  remindersByEmail?: boolean;
}

export class RegisterClientRequest extends ClientProfileRequest {
  @ApiPropertyOptional({ type: InitialConsentRequest })
  @IsOptional()
  // ValidateNested alone takes an array and validates its items: the consent boxes are one object.
  @IsObject()
  @ValidateNested()
  @Type(() => InitialConsentRequest)
  consent?: InitialConsentRequest;
}
