import { decodeJwt, errors, jwtVerify, SignJWT } from 'jose';
import { Principal, ServiceRole } from './principal';
import { InvalidTokenError } from './token-verifier';

/**
 * Service tokens: the credential one of our services presents when it calls another on a user's
 * behalf (the visits service asking the clients service to admit a visit, the media service
 * asking it to set or remove a client's photo reference). Forwarding the user's
 * own token would let every user call the internal route directly; a service token is something
 * no user holds.
 *
 * HS256 under SERVICE_TOKEN_SECRET, a secret apart from the users' tokens (whose issuer, in
 * production, is an identity provider the services cannot sign for), shared by the services only:
 *
 *   iss    the calling service (`visits-service`)        aud   the called service (`clients-service`)
 *   sub    the user the call is made for (the audit trail names the person, not the service)
 *   act    `{ sub: <calling service> }` (RFC 8693: who acts for the subject)
 *   tenant the chain of the request it serves             roles `[service:<caller>]`, nothing else
 *   htm, htu  the one request it is for: method and path on the called service (as DPoP binds a
 *          proof to a request), so a token seen on the wire admits nothing else. The services
 *          always bind their tokens; the verifier checks the binding whenever a token has one,
 *          and only the secret's holders can make a token without one (tests do)
 *   iat, exp  60 seconds: made per call, never stored
 */

/** The services that may call others, and the one role their tokens carry. */
const CALLER_ROLES: Readonly<Record<string, ServiceRole>> = {
  'visits-service': 'service:visits',
  'media-service': 'service:media',
  // The client's data package: the clients service reads each context's part of it.
  'clients-service': 'service:clients',
};

const SERVICE_TOKEN_LIFETIME_SECONDS = 60;
const CLOCK_TOLERANCE_SECONDS = 30;

function keyOf(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** The one request a service token is for: the method and the path on the called service (no query). */
export interface ServiceRequest {
  readonly method: string;
  readonly path: string;
}

/** Signs the tokens a service sends with its calls. */
export class ServiceTokenIssuer {
  private readonly key: Uint8Array;
  private readonly role: ServiceRole;

  constructor(
    secret: string,
    /** This service's name, e.g. `visits-service`. */
    private readonly service: string,
  ) {
    const role = CALLER_ROLES[service];
    if (!role) throw new Error(`${service} does not call other services (no service role)`);
    this.key = keyOf(secret);
    this.role = role;
  }

  /** A token for `request` to `audience` (the called service) on behalf of `caller`, in its chain. */
  issue(audience: string, caller: { readonly tenantId: string; readonly userId: string }, request?: ServiceRequest): Promise<string> {
    const binding = request ? { htm: request.method.toUpperCase(), htu: request.path } : {};
    return new SignJWT({ tenant: caller.tenantId, roles: [this.role], act: { sub: this.service }, ...binding })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(this.service)
      .setAudience(audience)
      .setSubject(caller.userId)
      .setIssuedAt()
      .setExpirationTime(`${SERVICE_TOKEN_LIFETIME_SECONDS}s`)
      .sign(this.key);
  }
}

/**
 * Whether a bearer token says it is a service token (its unverified `iss` names one of our
 * services). Only a routing decision: the token is then verified in full by ServiceTokenVerifier,
 * and a user token that merely claims such an issuer fails there.
 */
export function claimsServiceIssuer(token: string): boolean {
  try {
    const { iss } = decodeJwt(token);
    return typeof iss === 'string' && iss in CALLER_ROLES;
  } catch {
    return false;
  }
}

/** Verifies service tokens addressed to this service. */
export class ServiceTokenVerifier {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    /** This service's name: the audience the tokens must be issued for. */
    private readonly audience: string,
  ) {
    this.key = keyOf(secret);
  }

  /** The caller, when `token` is a service token addressed to this service (and, bound to a request, for exactly `request`). */
  async verify(token: string, request: ServiceRequest): Promise<Principal> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: Object.keys(CALLER_ROLES),
        audience: this.audience,
        requiredClaims: ['exp', 'iat', 'sub'],
        // A service token lives for one call: anything older was kept, which nobody should do.
        maxTokenAge: SERVICE_TOKEN_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new InvalidTokenError('the service token has expired');
      throw new InvalidTokenError('the service token is not valid');
    }
    const { iss, sub, tenant, roles, htm, htu } = payload;
    const bound = htm !== undefined || htu !== undefined;
    if (bound && (htm !== request.method.toUpperCase() || htu !== request.path)) throw new InvalidTokenError('the service token is for another request');
    const role = CALLER_ROLES[iss as string];
    if (typeof sub !== 'string' || sub === '') throw new InvalidTokenError('the service token has no subject (sub)');
    if (typeof tenant !== 'string' || tenant === '') throw new InvalidTokenError('the service token has no tenant claim');
    if (!Array.isArray(roles) || roles.length !== 1 || roles[0] !== role) {
      throw new InvalidTokenError(`the service token of ${String(iss)} carries the role ${role} only`);
    }
    return { userId: sub, tenantId: tenant, roles: [role], salonIds: [] };
  }
}
