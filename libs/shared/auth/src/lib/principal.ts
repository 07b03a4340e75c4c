/** Staff roles. An analyst reads read models only; the others work the front desk. */
export const ROLES = ['owner', 'manager', 'receptionist', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, from a verified token. tenantId is the only source of the tenant. */
export interface Principal {
  readonly userId: string;
  /** The salon chain. */
  readonly tenantId: string;
  readonly roles: readonly Role[];
  /** Salons of the chain the user works at; empty means all salons (owners, analysts). */
  readonly salonIds: readonly string[];
}

/** The claims of our bearer tokens, beside the standard `sub`. */
export interface SalonClaims {
  readonly tenant: string;
  readonly roles: readonly string[];
  readonly salons?: readonly string[];
}
