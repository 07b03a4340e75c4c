import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CommandContext, CurrentCommandContext, Roles, SalonScope, ETagHeader, SendETag, ErrorCodes } from '@salon/shared/nest';
import { WriteResponse } from '../http/write.response.dto';
import { RegisterClientRequest } from './register-client.request.dto';
import { RegisterClient } from './register-client.service';

@ApiTags('clients')
@ApiBearerAuth()
@Controller('clients')
export class RegisterClientController {
  constructor(private readonly registerClient: RegisterClient) {}

  @Post()
  @Roles('owner', 'manager', 'receptionist')
  @SalonScope('x-salon-id')
  @ApiOperation({ summary: 'Register a client. The phone is mandatory; the same phone cannot belong to two clients unless allowSharedPhone.' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key registers nothing twice.' })
  @ApiCreatedResponse({ type: WriteResponse, description: 'ETag header: the revision for the next If-Match.' })
  @ApiConflictResponse({ description: 'phone-taken: the phone belongs to existingClientId.' })
  @ErrorCodes({ 400: ['phone-required', 'invalid-phone', 'invalid-client-id', 'invalid-field-type', 'invalid-email', 'name-too-long', 'invalid-birth-date', 'invalid-gender', 'comment-too-long', 'invalid-consent-choice', 'sms-to-landline', 'invalid-marketing-consent', 'invalid-discount'], 409: ['client-already-registered', 'phone-taken', 'client-deleted', 'client-erased'] })
  async register(
    @CurrentCommandContext() context: CommandContext,
    @Body() request: RegisterClientRequest,
    @Res({ passthrough: true }) response: Response,
    @ETagHeader() sendETag: SendETag,
  ): Promise<WriteResponse> {
    const { consent, ...form } = request;
    const result = await this.registerClient.execute(context, { ...form, initialConsent: consent ? { ...consent } : undefined });
    sendETag(result.revision);
    response.status(201).setHeader('Location', `/clients/${result.clientId}`);
    return WriteResponse.of(result);
  }
}
