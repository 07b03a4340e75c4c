/** Staff roles. An analyst reads read models only; the others work the front desk. */
export const ROLES = ['owner', 'manager', 'receptionist', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Roles of our own services calling each other (service-token.ts). No user token can carry one
 * (toPrincipal accepts only ROLES), so a route that names only service roles is closed to people.
 */
export const SERVICE_ROLES = ['service:visits', 'service:media', 'service:clients'] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];

/** Who is calling, from a verified token. tenantId is the only source of the tenant. */
export interface Principal {
  /** The token's subject: the staff member (with a service token, the one the service acts for). */
  readonly userId: string;
  /** The salon chain. */
  readonly tenantId: string;
  /** A user's staff roles, or a service token's one service role: never both. */
  readonly roles: readonly (Role | ServiceRole)[];
  /** Salons of the chain the user works at; empty means all salons (owners, analysts, services). */
  readonly salonIds: readonly string[];
}

/** The claims of our bearer tokens, beside the standard `sub`. */
export interface SalonClaims {
  readonly tenant: string;
  readonly roles: readonly string[];
  readonly salons?: readonly string[];
}
