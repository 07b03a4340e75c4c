import { SetMetadata } from '@nestjs/common';

/**
 * What a salon-bound user (a token with a `salons` claim) is refused on a route, with
 * 403 salon-not-yours, beside what its roles allow. The rules are enforced where the data is
 * (CurrentCommandContext for the header, the visits context's requireSalonOfUser for visits);
 * this declaration says which apply to a route, for its OpenAPI document (`x-salon-scope`) and the
 * security suite (tools/security/), which checks that declaration and behaviour agree.
 *
 * - `x-salon-id`: the route records where the request is made; an `X-Salon-Id` header naming a
 *   salon the user does not work at is refused.
 * - `visit`: the visit in the path belongs to one salon; staff of other salons may not change it.
 * - `body.salonId`: the body names the salon (a booking); staff may name only their own salons.
 * - `body.evidence.salonId`: the salon where written consent was collected, likewise.
 *
 * A route without it is chain-wide: the client base, reads of visits and consent are the same for
 * every salon of the chain.
 */
export const SALON_SCOPE_RULES = ['x-salon-id', 'visit', 'body.salonId', 'body.evidence.salonId'] as const;
export type SalonScopeRule = (typeof SALON_SCOPE_RULES)[number];

export const SALON_SCOPE_METADATA = 'salon:salon-scope';
export const SALON_SCOPE_EXTENSION = 'x-salon-scope';

export const SalonScope = (...rules: SalonScopeRule[]) => SetMetadata(SALON_SCOPE_METADATA, rules);
