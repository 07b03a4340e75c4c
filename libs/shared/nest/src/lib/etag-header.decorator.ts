import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Response } from 'express';
import { etagOf } from './http-preconditions';

/**
 * Marks the OpenAPI operation of a route that sends an ETag (through ETagHeader): describeErrorAnswers
 * gives its success answers the ETag header, with the route's note when there is one.
 */
export const SENDS_ETAG = 'x-sends-etag';

/** Sends the revision as the answer's ETag (etagOf: `"3"`). */
export type SendETag = (revision: bigint | string | undefined) => void;

const sendETagOf = createParamDecorator((_: unknown, context: ExecutionContext): SendETag => {
  const response = context.switchToHttp().getResponse<Response>();
  return (revision) => {
    response.setHeader('ETag', etagOf(revision));
  };
});

/**
 * The one way a route sends an ETag: a parameter `@ETagHeader() sendETag: SendETag`, called with
 * the revision the answer reflects. The same decorator documents the header on the route's success
 * answers, so the document says ETag exactly where the code can send it. `note` says more, e.g.
 * when the route leaves it out.
 */
export function ETagHeader(note?: string): ParameterDecorator {
  return (target, key, index) => {
    const descriptor = key === undefined ? undefined : Object.getOwnPropertyDescriptor(target, key);
    if (key !== undefined && descriptor) ApiExtension(SENDS_ETAG, note ?? true)(target, key, descriptor);
    sendETagOf()(target, key, index);
  };
}
