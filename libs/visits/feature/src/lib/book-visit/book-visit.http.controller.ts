import { Body, Controller, Headers, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CommandContext, CurrentCommandContext, Roles, etagOf } from '@salon/shared/nest';
import { VisitWriteResponse } from '../http/visit.response.dto';
import { BookVisitCommand } from './book-visit.command';
import { BookVisitRequest } from './book-visit.request.dto';

@ApiTags('visits')
@ApiBearerAuth()
@Controller('visits')
export class BookVisitController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @Roles('owner', 'manager', 'receptionist')
  @ApiOperation({
    summary: 'Book a visit of a client: one or more services, each with its specialist; the visit gets the next number of the chain.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key books nothing twice and returns the same visit.' })
  @ApiCreatedResponse({ type: VisitWriteResponse, description: 'Location: /visits/{visitId}; ETag: the revision for the next If-Match.' })
  @ApiBadRequestResponse({ description: 'errors[]: the field and the reason (e.g. endsAt: visit-ends-before-start, services: no-services, price below 0).' })
  @ApiConflictResponse({ description: 'unknown-client (never registered or deleted) or client-erased (field clientId).' })
  @ApiServiceUnavailableResponse({ description: 'The clients service could not be asked; nothing was booked.' })
  async book(
    @CurrentCommandContext() context: CommandContext,
    @Headers('authorization') authorization: string,
    @Body() request: BookVisitRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<VisitWriteResponse> {
    const result = await this.commandBus.execute(new BookVisitCommand(context, request, authorization));
    response.status(201).setHeader('ETag', etagOf(result.revision)).setHeader('Location', `/visits/${result.visitId}`);
    return VisitWriteResponse.of(result);
  }
}
