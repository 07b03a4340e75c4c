import { ExpectedRevision } from './event-store.port';

/** Another writer changed the stream since the caller read it. The HTTP layer answers 409. */
export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamName: string,
    readonly expectedRevision: ExpectedRevision,
    readonly actualRevision: bigint | 'no_stream',
  ) {
    super(
      `Stream "${streamName}" was expected at revision ${String(expectedRevision)} but is at ${String(actualRevision)}`,
    );
    this.name = 'WrongExpectedRevisionError';
  }
}
