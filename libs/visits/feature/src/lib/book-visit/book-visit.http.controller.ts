import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CommandContext, CurrentCommandContext, Roles, SalonScope, ETagHeader, SendETag, ErrorCodes } from '@salon/shared/nest';
import { VisitWriteResponse } from '../http/visit.response.dto';
import { BookVisitRequest } from './book-visit.request.dto';
import { BookVisit } from './book-visit.service';

@ApiTags('visits')
@ApiBearerAuth()
@Controller('visits')
export class BookVisitController {
  constructor(private readonly bookVisit: BookVisit) {}

  @Post()
  @Roles('owner', 'manager', 'receptionist')
  @SalonScope('x-salon-id', 'body.salonId')
  @ApiOperation({
    summary: 'Book a visit of a client: one or more services, each with its specialist; the visit gets the next number of the chain.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key books nothing twice and returns the same visit.' })
  @ApiCreatedResponse({ type: VisitWriteResponse, description: 'Location: /visits/{visitId}; ETag: the revision for the next If-Match.' })
  @ApiBadRequestResponse({ description: 'errors[]: the field and the reason (e.g. endsAt: visit-ends-before-start, services: no-services, price below 0).' })
  @ApiConflictResponse({ description: 'unknown-client (never registered or deleted) or client-erased (field clientId).' })
  @ApiServiceUnavailableResponse({ description: 'The clients service could not be asked; nothing was booked.' })
  @ErrorCodes({ 400: ['invalid-number', 'invalid-visitId', 'invalid-clientId', 'invalid-salonId', 'visit-ends-before-start', 'visit-too-long', 'invalid-startsAt', 'invalid-endsAt', 'no-services', 'too-many-services', 'invalid-duration', 'visit-price-too-high', 'discount-above-price', 'invalid-services', 'invalid-serviceId', 'invalid-name', 'invalid-specialistId', 'invalid-specialistName', 'invalid-discount'], 409: ['unknown-client', 'client-erased', 'visit-already-booked'], 503: ['clients-service-unavailable'] })
  async book(
    @CurrentCommandContext() context: CommandContext,
    @Body() request: BookVisitRequest,
    @Res({ passthrough: true }) response: Response,
    @ETagHeader() sendETag: SendETag,
  ): Promise<VisitWriteResponse> {
    const { discount = 0, ...form } = request;
    const result = await this.bookVisit.execute(context, { ...form, discount });
    sendETag(result.revision);
    response.status(201).setHeader('Location', `/visits/${result.visitId}`);
    return VisitWriteResponse.of(result);
  }
}
