/**
 * Prints a development bearer token signed with JWT_SECRET (HS256).
 *
 *   npm run token -- --tenant chain-1 --roles owner,manager [--salons s1,s2] [--user alice] [--expires 8h]
 *
 * For local use only: production tokens come from the identity provider (JWT_JWKS_URL).
 */
import { parseArgs } from 'node:util';
import { ROLES, Role, signDevelopmentToken } from '@salon/shared/auth';

const DEFAULT_SECRET = 'local-development-secret-change-me-0123456789';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      roles: { type: 'string', default: 'owner' },
      salons: { type: 'string', default: '' },
      user: { type: 'string', default: 'developer' },
      expires: { type: 'string', default: '8h' },
    },
  });
  if (!values.tenant) throw new Error('--tenant is required (the salon chain the token is for)');
  const roles = values.roles.split(',').filter(Boolean);
  const unknown = roles.filter((role) => !(ROLES as readonly string[]).includes(role));
  if (unknown.length > 0) throw new Error(`unknown role(s) ${unknown.join(', ')}; roles are ${ROLES.join(', ')}`);
  const token = await signDevelopmentToken(
    process.env.JWT_SECRET ?? DEFAULT_SECRET,
    { userId: values.user, tenantId: values.tenant, roles: roles as Role[], salonIds: values.salons.split(',').filter(Boolean) },
    values.expires,
  );
  process.stdout.write(`${token}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`token: ${error.message}\n`);
  process.exit(2);
});
