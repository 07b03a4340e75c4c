/**
 * Records for the fuzzer to find: without them nearly every generated id answers 404 and the
 * use cases behind the routes never run. Registers clients, books visits (one arrived, so that
 * payments are possible), waits for their consent records, and prints a schemathesis.toml that
 * offers these ids for the path and body parameters of the same names, most of the time (the
 * rest stays generated).
 *
 *   FUZZ_TOKEN=... FUZZ_CLIENTS_URL=... FUZZ_VISITS_URL=... FUZZ_CONSENT_URL=... \
 *     node -r @swc-node/register tools/fuzz/seed.ts > schemathesis.toml
 */
import { setTimeout as sleep } from 'node:timers/promises';

const CLIENTS = 3;
/** How often a path or body id is taken from the seeds instead of generated. */
const PROBABILITY = 0.7;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const token = required('FUZZ_TOKEN');

async function call(method: string, url: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status >= 300) throw new Error(`${method} ${new URL(url).pathname} answered ${response.status}: ${json.error ?? ''}`);
  return { status: response.status, json };
}

/** A salon day `days` from now at 10:00 UTC, as the visits API takes it. */
function at(days: number, hour: number): string {
  const date = new Date(Date.now() + days * 86_400_000);
  date.setUTCHours(hour, 0, 0, 0);
  return date.toISOString();
}

async function main(): Promise<void> {
  const [clientsUrl, visitsUrl, consentUrl] = ['FUZZ_CLIENTS_URL', 'FUZZ_VISITS_URL', 'FUZZ_CONSENT_URL'].map(required);
  const clientIds: string[] = [];
  const visitIds: string[] = [];
  for (let index = 0; index < CLIENTS; index++) {
    const { json: client } = await call('POST', `${clientsUrl}/clients`, {
      phone: `+48 60${index} 000 ${String(100 + index)}`,
      firstName: 'Fuzz',
      email: `fuzz${index}@example.com`,
    });
    const clientId = String(client.clientId);
    clientIds.push(clientId);
    const { json: visit } = await call('POST', `${visitsUrl}/visits`, {
      clientId,
      salonId: 'salon-fuzz',
      startsAt: at(index - 1, 10),
      endsAt: at(index - 1, 11),
      services: [{ serviceId: 'svc-cut', name: 'Haircut', price: 40, durationMinutes: 60, specialistId: 'staff-1', specialistName: 'Anna' }],
    });
    visitIds.push(String(visit.visitId));
  }
  await call('POST', `${visitsUrl}/visits/${visitIds[0]}/arrive`);
  // The consent records open once the registrations travelled through Kafka.
  for (const clientId of clientIds) {
    for (let attempt = 0; ; attempt++) {
      const { json } = await call('GET', `${consentUrl}/clients/${clientId}/consent`);
      if (json.status === 'open') break;
      if (attempt > 200) throw new Error('a consent record did not open within 20 s');
      await sleep(100);
    }
  }
  const list = (ids: string[]) => ids.map((id) => JSON.stringify(id)).join(', ');
  process.stdout.write(
    [
      '# Written by tools/fuzz/seed.ts for one fuzz run.',
      `[dictionaries.clients]`,
      `values = [${list(clientIds)}]`,
      `[dictionaries.visits]`,
      `values = [${list(visitIds)}]`,
      '',
      '[parameters]',
      `"path.clientId" = { dictionary = "clients", probability = ${PROBABILITY} }`,
      `"body.clientId" = { dictionary = "clients", probability = ${PROBABILITY} }`,
      `"path.visitId" = { dictionary = "visits", probability = ${PROBABILITY} }`,
      '',
    ].join('\n'),
  );
}

main().catch((error: Error) => {
  process.stderr.write(`fuzz seed: ${error.message}\n`);
  process.exit(1);
});
