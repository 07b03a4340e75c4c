import {
  MARKETING_DOCUMENT_REF_PATTERN_V1,
  MARKETING_DOCUMENT_REF_RULE_V1,
  MAX_CONSENT_TEXT_VERSION_LENGTH_V1,
  MAX_MARKETING_DOCUMENT_REF_LENGTH_V1,
} from '@salon/contracts';
import { DomainError, parseZonedDateTime } from '@salon/shared/ddd';

/**
 * The record of the client's written consent to marketing: what was signed (a document reference,
 * the version of the consent text, or both), when, collected by which staff member, at which salon.
 * Only references and ids: the signed document itself lives elsewhere (see the event catalog).
 */
export interface MarketingConsentEvidence {
  readonly documentRef?: string;
  readonly consentTextVersion?: string;
  /** ISO-8601 date-time with a zone; not in the future. Stored in UTC. */
  readonly signedAt: string;
  /** The staff member who collected the signature. */
  readonly collectedBy: string;
  /** The salon where it was signed. */
  readonly salonId: string;
}

// The document reference's rule is the contract's, shared with the clients context (an import checks its rows against it).
const MAX_DOCUMENT_REF_LENGTH = MAX_MARKETING_DOCUMENT_REF_LENGTH_V1;
const DOCUMENT_REF = MARKETING_DOCUMENT_REF_PATTERN_V1;
export const DOCUMENT_REF_RULE = MARKETING_DOCUMENT_REF_RULE_V1;
const MAX_TEXT_VERSION_LENGTH = MAX_CONSENT_TEXT_VERSION_LENGTH_V1;
const MAX_ID_LENGTH = 200;

export function parseEvidence(value: unknown, now: Date): MarketingConsentEvidence {
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw DomainError.invalid(
      'written-consent-required',
      "Marketing may be switched on only with the record of the client's written consent: what was signed, when, " +
        'collected by whom and at which salon',
      { field: 'evidence' },
    );
  }
  const evidence = value as Record<string, unknown>;
  const documentRef = optionalText(evidence['documentRef'], 'documentRef', MAX_DOCUMENT_REF_LENGTH);
  if (documentRef !== undefined && !DOCUMENT_REF.test(documentRef)) throw invalidEvidence('documentRef', `"documentRef" ${DOCUMENT_REF_RULE}`);
  const consentTextVersion = optionalText(evidence['consentTextVersion'], 'consentTextVersion', MAX_TEXT_VERSION_LENGTH);
  if (documentRef === undefined && consentTextVersion === undefined) {
    throw DomainError.invalid(
      'written-consent-required',
      'The evidence says what the client signed: a document reference or the version of the consent text',
      { field: 'evidence' },
    );
  }
  const signedAt = parseSignedAt(evidence['signedAt'], now);
  const collectedBy = requiredText(evidence['collectedBy'], 'collectedBy', 'the staff member who collected the signature');
  const salonId = requiredText(evidence['salonId'], 'salonId', 'the salon where it was signed');
  return {
    ...(documentRef === undefined ? {} : { documentRef }),
    ...(consentTextVersion === undefined ? {} : { consentTextVersion }),
    signedAt,
    collectedBy,
    salonId,
  };
}

function invalidEvidence(field: string, reason: string): DomainError {
  return DomainError.invalid('invalid-evidence', reason, { field: `evidence.${field}` });
}

function optionalText(value: unknown, field: string, maxLength: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidEvidence(field, `"${field}" is text`);
  const text = value.trim();
  if (text === '') return undefined;
  if (text.length > maxLength) throw invalidEvidence(field, `"${field}" is at most ${maxLength} characters`);
  return text;
}

function requiredText(value: unknown, field: string, what: string): string {
  const text = optionalText(value, field, MAX_ID_LENGTH);
  if (text === undefined) throw invalidEvidence(field, `The evidence names ${what} ("${field}")`);
  return text;
}

function parseSignedAt(value: unknown, now: Date): string {
  const signed = typeof value === 'string' ? parseZonedDateTime(value.trim()) : undefined;
  if (signed === undefined) {
    throw invalidEvidence('signedAt', '"signedAt" is an ISO-8601 date and time with its zone, e.g. 2025-06-15T10:30:00+02:00');
  }
  if (signed.instant.getTime() > now.getTime()) throw invalidEvidence('signedAt', 'The consent cannot have been signed in the future');
  return signed.instant.toISOString();
}

export function sameEvidence(a: MarketingConsentEvidence, b: MarketingConsentEvidence): boolean {
  return (
    a.documentRef === b.documentRef &&
    a.consentTextVersion === b.consentTextVersion &&
    a.signedAt === b.signedAt &&
    a.collectedBy === b.collectedBy &&
    a.salonId === b.salonId
  );
}
