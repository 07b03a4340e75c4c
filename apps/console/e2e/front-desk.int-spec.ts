import { mkdirSync } from 'node:fs';
import { Server } from 'node:http';
import { join } from 'node:path';
import { Browser, BrowserContext, Locator, Page, chromium } from 'playwright-core';
import { Workbook } from 'exceljs';
import sharp from 'sharp';
import { ALL_TOPICS } from '@salon/contracts';
import { signDevelopmentToken } from '@salon/shared/auth';
import { createMessagingClient, ensureTopics } from '@salon/shared/messaging';
import {
  RunningService,
  TEST_JWT_SECRET,
  cleanUpServiceEnvironment,
  eventually,
  freePort,
  kafkaBrokers,
  minioEnvironment,
  removeBucket,
  salonLocalTime,
  serviceEnvironment,
  startServiceProcess,
  uniqueName,
} from '@salon/shared/testing';
import { createConsoleServer } from '../server/console-server';
import { MESSAGES, Messages } from '../src/i18n';
import { IMPORT_MESSAGES } from '../src/import-i18n';
import { PHOTO_MAX_BYTES } from '../src/photo-limits';

const REPO_ROOT = join(__dirname, '../../..');
/** Debian's Chromium (deploy/local/chromium.sh installs it); never a browser playwright downloads. */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/** Where the card's screenshots go: README's are made with CONSOLE_SCREENSHOT_DIR=docs/console. */
const SCREENSHOTS = join(REPO_ROOT, process.env['CONSOLE_SCREENSHOT_DIR'] ?? '.local/screenshots');
// Read models follow the writes through Kafka: a screen shows a change within seconds, not at once.
const SHOWN_WITHIN_MS = 30_000;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A salon's own spreadsheet: Polish headers, two clients and, on row 3, a phone that is no number. */
async function polishSpreadsheet(): Promise<Buffer> {
  const workbook = new Workbook();
  const sheet = workbook.addWorksheet('Klienci');
  sheet.addRow(['Imię', 'Nazwisko', 'Telefon', 'E-mail', 'Uwagi']);
  sheet.addRow(['Krystyna', 'Wiśniewska', '601 234 567', 'krystyna.w@example.test', 'Farbowanie co 6 tygodni']);
  sheet.addRow(['Zły', 'Numer', 'nie pamiętam', '', '']);
  sheet.addRow(['Bartosz', 'Zieliński', '+48 512 345 678', '', 'Broda']);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * The front-desk console in a real browser (Debian's Chromium, headless, driven by playwright-core)
 * on the real stack: the clients, visits and consent services as their own processes against the
 * local Kafka, MongoDB-wire server and MinIO, behind the console's own server (the built app, its
 * same-origin proxy and its development sign-in). The two manuals' walk-throughs, as a receptionist
 * and a manager do them: the Russian one in Russian, the Polish one in Polish.
 */
describe('the front-desk console in Chromium', () => {
  const prefix = `${uniqueName('t')}.`;
  const buckets = { IMPORT_BUCKET: uniqueName('console-imports'), DATA_EXPORT_BUCKET: uniqueName('console-exports'), MEDIA_BUCKET: uniqueName('console-photos') };
  const env = serviceEnvironment(uniqueName('console-e2e'), {
    KAFKA_TOPIC_PREFIX: prefix,
    DEFAULT_PHONE_COUNTRY: 'PL',
    ...minioEnvironment(),
    ...buckets,
  });
  const kafka = createMessagingClient({ clientId: 'console-e2e', brokers: kafkaBrokers(), logLevel: 'nothing' });
  const tenant = uniqueName('chain');
  const services: RunningService[] = [];
  let urls: Record<'clients' | 'visits' | 'consent' | 'media', string>;
  let consoleServer: Server;
  let consoleUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS, { prefix });
    const ports = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const [clientsPort, visitsPort, consentPort, mediaPort, consolePort] = ports;
    const at = (port: number) => `http://127.0.0.1:${port}`;
    urls = { clients: at(clientsPort), visits: at(visitsPort), consent: at(consentPort), media: at(mediaPort) };
    const wiring = { CLIENTS_SERVICE_URL: urls.clients, VISITS_SERVICE_URL: urls.visits, CONSENT_SERVICE_URL: urls.consent, MEDIA_SERVICE_URL: urls.media };
    // The visits service admits bookings through the clients service: that one first.
    services.push(await startServiceProcess('clients-service', { ...env, ...wiring }, { port: clientsPort }));
    services.push(
      ...(await Promise.all([
        startServiceProcess('visits-service', { ...env, ...wiring }, { port: visitsPort }),
        startServiceProcess('consent-service', { ...env, ...wiring }, { port: consentPort }),
        startServiceProcess('media-service', { ...env, ...wiring }, { port: mediaPort }),
      ])),
    );
    consoleServer = createConsoleServer({
      staticDir: join(REPO_ROOT, 'dist/apps/console'),
      services: urls,
      jwtSecret: TEST_JWT_SECRET,
      production: false,
    });
    await new Promise<void>((resolve) => consoleServer.listen(consolePort, '127.0.0.1', resolve));
    consoleUrl = `http://127.0.0.1:${consolePort}`;
    const built = await fetch(`${consoleUrl}/`);
    if (!built.ok) throw new Error(`The console is not built (${built.status}): run vite build --config apps/console/vite.config.ts first (npm test does)`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-default-apps', '--no-first-run'],
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (consoleServer ? consoleServer.close(resolve) : resolve(undefined)));
    await Promise.all(services.map((service) => service.stop()));
    await cleanUpServiceEnvironment(kafka, prefix, env.MONGO_URL);
    await Promise.all(Object.values(buckets).map((bucket) => removeBucket(bucket)));
  }, 120_000);

  afterEach(async () => {
    await context?.close();
  });

  /** The API as the test's own check beside the screen, or as another member of staff at work meanwhile. */
  async function api(service: keyof typeof urls, path: string, write?: { method: string; body: unknown; headers?: Record<string, string> }): Promise<Record<string, unknown>> {
    const token = await signDevelopmentToken(TEST_JWT_SECRET, { userId: 'another-desk', tenantId: tenant, roles: ['owner'] });
    const response = await fetch(`${urls[service]}${path}`, {
      method: write?.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, ...(write ? { 'content-type': 'application/json' } : {}), ...write?.headers },
      body: write ? JSON.stringify(write.body) : undefined,
    });
    expect([200, 201]).toContain(response.status);
    return (await response.json()) as Record<string, unknown>;
  }

  /** Nothing wider than the window: the screen works at this width without scrolling sideways. */
  async function fitsWidth(width: number) {
    await page.setViewportSize({ width, height: 1180 });
    expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(width);
  }

  /** A new browser window in the language's locale and the salon's zone, signed in to the test's chain. */
  async function signIn(language: 'ru' | 'pl', role: 'receptionist' | 'manager'): Promise<Messages> {
    const t = MESSAGES[language];
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: language === 'ru' ? 'ru-RU' : 'pl-PL', timezoneId: 'Europe/Warsaw' });
    // Nothing in the page may reach past the console's own origin.
    await context.route(/^(?!http:\/\/127\.0\.0\.1:)/, (route) => route.abort());
    page = await context.newPage();
    page.setDefaultTimeout(SHOWN_WITHIN_MS);
    await page.goto(consoleUrl);
    await page.getByLabel(MESSAGES.pl.language).selectOption(language);
    await page.getByLabel(t.chain).fill(tenant);
    await page.getByLabel(t.role).selectOption(role);
    await page.getByRole('button', { name: t.signIn }).click();
    await page.locator('#clients-title').waitFor();
    return t;
  }

  const cardTitle = () => page.locator('#card-title');
  const field = (name: string) => page.locator(`form.profile [name="${name}"]`);

  async function register(t: Messages, phone: string, names: { firstName?: string; lastName?: string } = {}): Promise<string> {
    await page.getByRole('button', { name: t.addClient }).click();
    await field('phone').fill(phone);
    if (names.firstName) await field('firstName').fill(names.firstName);
    if (names.lastName) await field('lastName').fill(names.lastName);
    const registered = page.waitForResponse((response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/api/clients/clients');
    await page.getByRole('button', { name: t.register }).click();
    const answer = await registered;
    expect(answer.status()).toBe(201);
    await page.getByRole('tab', { name: t.profileTab }).waitFor();
    return ((await answer.json()) as { clientId: string }).clientId;
  }

  /** Books a visit on the Visits tab, in the salon's wall-clock time (the browser's zone). */
  async function book(t: Messages, day: string, service: string, specialist: string, price: string) {
    const form = page.getByRole('form', { name: t.bookVisit });
    await form.getByLabel(t.date, { exact: true }).fill(day);
    await form.getByLabel(t.start, { exact: true }).fill('10:00');
    await form.getByLabel(t.end, { exact: true }).fill('11:00');
    await form.getByLabel(t.serviceName, { exact: true }).fill(service);
    await form.getByLabel(t.price, { exact: true }).fill(price);
    await form.getByLabel(t.specialist, { exact: true }).fill(specialist);
    await form.getByRole('button', { name: t.bookVisit }).click();
  }

  const visitRows = () => page.locator('table.visit-list tbody tr');
  const visitRow = (day: string) => visitRows().filter({ has: page.locator('td', { hasText: day }) });

  async function expectRows(rows: Locator, count: number, description: string) {
    await eventually(async () => ((await rows.count()) === count ? true : undefined), description, { timeoutMs: SHOWN_WITHIN_MS, intervalMs: 200 });
  }

  it('walks through the Russian manual: a client with a phone only, a photo, visits, statistics, search, no deletion', async () => {
    const t = await signIn('ru', 'manager');

    // A phone is all a client needs; without a name the card says «Клиент».
    const clientId = await register(t, '+7 912 345-67-89');
    await expect(cardTitle().textContent()).resolves.toBe(t.nameless);

    // A photo within the manual's limits shows on the card; a larger one or another format is refused, saying why.
    const photoInput = page.getByLabel(t.uploadPhoto);
    await photoInput.setInputFiles({ name: 'big.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(PHOTO_MAX_BYTES + 1) });
    await page.getByRole('alert').filter({ hasText: t.photoTooLarge }).waitFor();
    await photoInput.setInputFiles({ name: 'photo.gif', mimeType: 'image/gif', buffer: Buffer.from('GIF89a') });
    await page.getByRole('alert').filter({ hasText: t.photoWrongType }).waitFor();
    const png = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 200, g: 120, b: 150 } } }).png().toBuffer();
    await page.getByLabel(t.uploadPhoto).setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: png });
    const photo = page.getByRole('img', { name: t.photoAlt });
    await photo.waitFor();
    await eventually(async () => ((await photo.evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth)) > 0 ? true : undefined), 'the photo shown');
    expect(await api('clients', `/clients/${clientId}`)).toMatchObject({ photoRef: expect.any(String) });

    // Visits on three days; the middle one is cancelled, the other two completed.
    // The tabs work from the keyboard.
    await page.getByRole('tab', { name: t.visitsTab }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('tabpanel', { name: t.visitsTab }).waitFor();
    const days = [salonLocalTime(1).salonDate, salonLocalTime(2).salonDate, salonLocalTime(3).salonDate];
    await book(t, days[0], 'Стрижка', 'Анна Иванова', '1500');
    await book(t, days[1], 'Окрашивание', 'Мария Петрова', '3200');
    await book(t, days[2], 'Укладка', 'Анна Иванова', '900');
    await expectRows(visitRows(), 3, 'three visits in the list');
    await visitRow(days[1]).getByRole('button', { name: t.cancelVisit }).click();
    for (const day of [days[0], days[2]]) {
      await visitRow(day).getByRole('button', { name: t.arrive }).click();
      await visitRow(day).getByRole('button', { name: t.complete }).click();
      await visitRow(day).getByRole('img', { name: t.statuses['completed'] }).waitFor();
    }
    await visitRow(days[1]).getByRole('img', { name: t.statuses['cancelled'] }).waitFor();

    // The statistics at the top: the cancelled visit does not count.
    const count = page.locator('output', { hasText: /\d/ });
    await eventually(async () => ((await count.textContent()) === '2' ? true : undefined), 'two visits counted', { timeoutMs: SHOWN_WITHIN_MS });
    const first = page.locator('.statistic', { hasText: t.firstVisit }).getByRole('button');
    const last = page.locator('.statistic', { hasText: t.lastVisit }).getByRole('button');
    await expect(first.textContent()).resolves.toContain(days[0]);
    await expect(last.textContent()).resolves.toContain(days[2]);

    // Hovering the first and the last visit shows their summary: date, status, services, specialist, amount.
    await first.hover();
    const firstSummary = page.locator('.statistic', { hasText: t.firstVisit }).getByRole('tooltip');
    await firstSummary.waitFor({ state: 'visible' });
    expect(await firstSummary.textContent()).toBe(`${days[0]} · ${t.statuses['completed']} · Стрижка · Анна Иванова · 1500.00`);
    await last.hover();
    const lastSummary = page.locator('.statistic', { hasText: t.lastVisit }).getByRole('tooltip');
    await lastSummary.waitFor({ state: 'visible' });
    expect(await lastSummary.textContent()).toBe(`${days[2]} · ${t.statuses['completed']} · Укладка · Анна Иванова · 900.00`);
    await page.screenshot({ path: join(SCREENSHOTS, 'client-card-visits.png') });
    // The summary shows on keyboard focus too, not only under the mouse.
    await page.mouse.move(0, 0);
    await lastSummary.waitFor({ state: 'hidden' });
    await first.focus();
    await firstSummary.waitFor({ state: 'visible' });

    // Clicking the last visit opens it.
    await last.click();
    const opened = page.getByRole('dialog');
    await opened.getByText('Укладка — Анна Иванова — 900.00').waitFor();
    await opened.getByRole('button', { name: t.close }).click();

    // Search by specialist, by service and by number; filter by status and by dates.
    const filters = page.locator('.visits form[role="search"]');
    await filters.getByLabel(t.visitSearch).fill('Мария');
    await expectRows(visitRows(), 1, 'the visit of the specialist searched');
    await visitRow(days[1]).waitFor();
    await filters.getByLabel(t.visitSearch).fill('Укладка');
    await expectRows(visitRows(), 1, 'the visit of the service searched');
    await visitRow(days[2]).waitFor();
    await filters.getByLabel(t.visitSearch).fill('');
    await filters.getByRole('combobox').selectOption('completed');
    await expectRows(visitRows(), 2, 'the completed visits');
    await filters.getByRole('combobox').selectOption('');
    await filters.getByLabel(t.from, { exact: true }).fill(days[1]);
    await expectRows(visitRows(), 2, 'the visits from the second day');
    await filters.getByLabel(t.to, { exact: true }).fill(days[1]);
    await expectRows(visitRows(), 1, 'the visits of the second day');
    await filters.getByLabel(t.from, { exact: true }).fill('');
    await filters.getByLabel(t.to, { exact: true }).fill('');
    await expectRows(visitRows(), 3, 'every visit again');

    // A visit of two services (booked at another desk): the list shows how many, the full list on hover.
    const fourth = salonLocalTime(4, '12:00');
    const service = (serviceId: string, name: string) => ({ serviceId, name, price: 1000, durationMinutes: 30, specialistId: 'staff-anna', specialistName: 'Анна Иванова' });
    await api('visits', '/visits', {
      method: 'POST',
      body: { clientId, salonId: 'salon-1', startsAt: fourth.local, endsAt: salonLocalTime(4, '13:00').local, services: [service('svc-cut', 'Стрижка'), service('svc-wash', 'Мытьё головы')] },
      headers: { 'x-salon-id': 'salon-1' },
    });
    const servicesCount = visitRow(fourth.salonDate).getByRole('button', { name: '2', exact: true });
    await servicesCount.hover();
    const servicesList = visitRow(fourth.salonDate).getByRole('tooltip');
    await servicesList.waitFor({ state: 'visible' });
    expect(await servicesList.locator('li').allTextContents()).toEqual(['Стрижка', 'Мытьё головы']);

    // The trash can refuses a client with visits, and says why.
    await page.getByRole('tab', { name: t.profileTab }).click();
    await page.screenshot({ path: join(SCREENSHOTS, 'client-card-profile.png'), fullPage: true });
    await page.getByRole('button', { name: t.deleteClient }).click();
    await page.getByRole('alert').filter({ hasText: t.deleteRefused(4) }).waitFor();
    expect((await api('clients', `/clients/${clientId}`))['status']).toBe('active');

    // Back in the list, the client is «Клиент» with the photo icon.
    await page.getByRole('button', { name: t.back }).click();
    const row = page.locator('table.clients tbody tr', { has: page.getByRole('button', { name: t.nameless, exact: true }) });
    await row.getByRole('img', { name: t.photo }).waitFor();
  }, 300_000);

  it('walks through the Polish manual: a landline, a stale save, written consent for the newsletter, marketing off from the list, an import with a bad row, erasure', async () => {
    const t = await signIn('pl', 'manager');

    // A landline cannot take SMS: its SMS switches are off and disabled, with the reason beside them.
    const landlineId = await register(t, '22 628 12 34', { firstName: 'Halina', lastName: 'Stacjonarna' });
    const consent = page.locator('fieldset.consent');
    const smsReminders = consent.getByRole('switch', { name: t.remindersBySms, exact: true });
    await smsReminders.waitFor();
    expect(await smsReminders.isChecked()).toBe(false);
    expect(await smsReminders.isDisabled()).toBe(true);
    expect(await consent.getByRole('switch', { name: t.marketingSms, exact: true }).isDisabled()).toBe(true);
    expect(await consent.getByText(t.landline).count()).toBe(2);
    // Notifications are ON by default.
    expect(await consent.getByRole('switch', { name: t.notifications, exact: true }).isChecked()).toBe(true);
    expect(await api('consent', `/clients/${landlineId}/consent`)).toMatchObject({ smsCapable: false, switches: { remindersBySms: false, notifications: true } });

    // One explicit save; a change someone else made meanwhile is not overwritten: the save is refused with a warning.
    const opened = await api('clients', `/clients/${landlineId}`);
    await api('clients', `/clients/${landlineId}`, {
      method: 'PUT',
      body: { phone: '22 628 12 34', firstName: 'Halina', lastName: 'Stacjonarna', comment: 'Woli poranki' },
      headers: { 'if-match': `"${opened['revision'] as string}"`, 'x-salon-id': 'salon-1' },
    });
    await page.locator('form.profile textarea').fill('Alergia na amoniak');
    await page.getByRole('button', { name: t.save, exact: true }).click();
    await page.getByRole('alert').filter({ hasText: t.staleSave }).waitFor();
    await page.getByRole('button', { name: t.reload }).click();
    await eventually(async () => ((await page.locator('form.profile textarea').inputValue()) === 'Woli poranki' ? true : undefined), "the other desk's change");
    await page.locator('form.profile textarea').fill('Woli poranki; alergia na amoniak');
    await page.getByRole('button', { name: t.save, exact: true }).click();
    await page.getByRole('status').filter({ hasText: t.saved }).waitFor();
    await eventually(async () => ((await api('clients', `/clients/${landlineId}`))['comment'] === 'Woli poranki; alergia na amoniak' ? true : undefined), 'the comment saved');
    await fitsWidth(820);
    await page.getByRole('button', { name: t.back }).click();
    await fitsWidth(820);
    await page.setViewportSize({ width: 1280, height: 800 });

    // The newsletter goes ON only with the reference of the client's signed form, which is recorded.
    const zofiaId = await register(t, '605 771 301', { firstName: 'Zofia', lastName: 'Nowak' });
    const newsletter = consent.getByRole('switch', { name: t.newsletter, exact: true });
    await newsletter.waitFor();
    await newsletter.click();
    await consent.locator('.field-error', { hasText: t.errors['written-consent-required'] }).waitFor();
    expect(await newsletter.isChecked()).toBe(false);
    await consent.getByLabel(t.writtenConsentRef).fill('ZGODA/2026/017');
    await newsletter.click();
    await eventually(async () => ((await newsletter.isChecked()) ? true : undefined), 'the newsletter ON');
    const granted = await api('consent', `/clients/${zofiaId}/consent`);
    expect(granted).toMatchObject({ switches: { newsletter: true } });
    expect(JSON.stringify(await api('consent', `/clients/${zofiaId}/consent/history`))).toContain('ZGODA/2026/017');
    // The record of that consent is kept, and shown: the history names the form.
    await consent.getByText(t.consentHistory, { exact: true }).click();
    await consent.getByRole('table', { name: t.consentHistory }).getByRole('row').filter({ hasText: 'ZGODA/2026/017' }).filter({ hasText: t.newsletter }).waitFor();

    // Staff switch marketing OFF straight from the list.
    await page.getByRole('button', { name: t.back }).click();
    const marketing = page.getByRole('switch', { name: `${t.marketing}: Zofia Nowak` });
    // The list is a read model: searching again shows the consent once it has caught up.
    await eventually(
      async () => {
        await page.getByRole('button', { name: t.searchButton, exact: true }).click();
        return (await marketing.isChecked({ timeout: 2_000 })) ? true : undefined;
      },
      "Zofia's marketing ON in the list",
      { timeoutMs: SHOWN_WITHIN_MS, intervalMs: 500 },
    );
    await marketing.click();
    await eventually(async () => ((await marketing.isChecked()) ? undefined : true), 'the switch OFF');
    expect(await api('consent', `/clients/${zofiaId}/consent`)).toMatchObject({ switches: { newsletter: false, marketingSms: false } });

    // A salon's spreadsheet with Polish headers and one bad row: the columns are recognised, the dry
    // run names the row and why, the import takes the others and they are in the list.
    const wizard = IMPORT_MESSAGES.pl;
    await page.getByRole('button', { name: t.importClients }).click();
    await page.getByLabel(wizard.fileLabel).setInputFiles({ name: 'klienci.xlsx', mimeType: XLSX, buffer: await polishSpreadsheet() });
    await page.getByRole('button', { name: wizard.upload, exact: true }).click();
    await page.getByRole('table', { name: wizard.columnsTable }).waitFor();
    expect(await page.getByLabel('Telefon', { exact: true }).inputValue()).toBe('phone');
    expect(await page.getByLabel('Imię', { exact: true }).inputValue()).toBe('firstName');
    expect(await page.getByLabel('Uwagi', { exact: true }).inputValue()).toBe('comment');
    await page.getByRole('button', { name: wizard.dryRun, exact: true }).click();
    const refused = page.getByRole('table', { name: wizard.refusedRows });
    await refused.waitFor();
    const refusedRows = refused.locator('tbody tr');
    await expectRows(refusedRows, 1, 'one refused row');
    expect(await refusedRows.first().locator('td').first().textContent()).toBe('3');
    expect(await refusedRows.first().textContent()).toContain('phone');
    await page.screenshot({ path: join(SCREENSHOTS, 'import-dry-run.png'), fullPage: true });
    await page.getByRole('button', { name: wizard.runImport }).click();
    await page.getByText(wizard.completed).waitFor();
    await page.getByRole('button', { name: wizard.done, exact: true }).click();
    await eventually(
      async () => {
        await page.getByRole('button', { name: t.searchButton, exact: true }).click();
        return (await page.getByRole('button', { name: 'Krystyna Wiśniewska' }).count()) === 1 ? true : undefined;
      },
      'the imported clients in the list',
      { timeoutMs: SHOWN_WITHIN_MS, intervalMs: 500 },
    );
    expect(await page.getByRole('button', { name: 'Bartosz Zieliński' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Zły Numer' }).count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'client-list.png') });

    // And the base goes out again as a spreadsheet with Polish headers.
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: t.exportClients }).click();
    const exported = new Workbook();
    await exported.xlsx.readFile(await (await downloading).path());
    const exportedRows = exported.worksheets[0].getSheetValues().flatMap((row) => (row === undefined ? [] : [JSON.stringify(row)]));
    expect(exportedRows.find((row) => row.includes('Telefon'))).toContain('Imię');
    expect(exportedRows.filter((row) => row.includes('Krystyna') || row.includes('Bartosz'))).toHaveLength(2);

    // Erasure, confirmed, leaves "Klient Archiwalny N" (numbered per chain) in place of the client.
    await page.getByRole('button', { name: 'Zofia Nowak' }).click();
    await page.getByRole('button', { name: t.eraseClient }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText(t.eraseConfirm).waitFor();
    await dialog.getByRole('button', { name: t.confirm }).click();
    await eventually(async () => (/^Klient Archiwalny \d+$/.test((await cardTitle().textContent()) ?? '') ? true : undefined), 'the archived label');
    const erased = await api('clients', `/clients/${zofiaId}`);
    expect(erased).toMatchObject({ status: 'erased' });
    expect(await cardTitle().textContent()).toBe(t.archivedClient(erased['archivedNumber'] as number));
    expect(JSON.stringify(erased)).not.toContain('Zofia');
  }, 300_000);
});
