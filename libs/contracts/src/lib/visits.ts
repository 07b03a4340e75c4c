/**
 * What every integration event of the visits context carries (on `visits.visit-events.v1`,
 * key = client id). The clients context relies on it to learn of every visit of a client, in
 * any status, so that a client with visits cannot be hard-deleted.
 */
export interface VisitEventBaseV1 {
  readonly visitId: string;
  readonly clientId: string;
}
