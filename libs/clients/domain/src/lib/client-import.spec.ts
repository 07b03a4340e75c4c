import { specificationFor } from '@salon/shared/ddd';
import { ClientImportCommand, ClientImportEvent, clientImportDecider, countOutcome, NO_IMPORT_COUNTS, toClientImportStreamName } from './client-import';
import { ColumnMapping, ImportCell } from './client-columns';
import { ImportEvidenceOrigin, consentNotesForExistingClient, importableConsent, readImportRow } from './client-import-row';
import { parseClientProfile } from './client-profile';

const now = new Date();
const origin: ImportEvidenceOrigin = { at: now, importedBy: 'manager-1', salonId: 'salon-1' };
const at = now.toISOString();
const metadata = { tenantId: 'chain-1', correlationId: 'c-1', causationId: 'c-1', actorId: 'u-1', now };
const jobId = 'job-1';
const spec = specificationFor(clientImportDecider);

const command = <Type extends ClientImportCommand['type']>(type: Type, data: Extract<ClientImportCommand, { type: Type }>['data']) =>
  ({ type, data, metadata }) as ClientImportCommand;

const uploaded: ClientImportEvent = {
  type: 'ClientImportUploaded',
  data: {
    jobId,
    format: 'csv',
    fileKey: 'imports/chain-1/job-1',
    headers: ['Telefon', 'Imię'],
    mapping: [{ column: 0, field: 'phone' }],
    unknownColumns: [],
    rowsTotal: 3,
    uploadedBy: 'u-1',
    salonId: null,
    uploadedAt: at,
    fileExpiresAt: at,
  },
};
const dryRunStarted: ClientImportEvent = { type: 'ImportDryRunStarted', data: { jobId, existingClients: 'skip', startedAt: at } };
const counts = countOutcome(countOutcome(NO_IMPORT_COUNTS, 'create'), 'refused');
const dryRunCompleted: ClientImportEvent = { type: 'ImportDryRunCompleted', data: { jobId, counts, completedAt: at } };
const started: ClientImportEvent = { type: 'ClientImportStarted', data: { jobId, existingClients: 'fill-empty', startedAt: at } };

describe('the client import job', () => {
  it('names its stream after the job id only', () => {
    expect(toClientImportStreamName('3f2a')).toBe('clientImport-3f2a');
  });

  it('records an upload once (a retried upload changes nothing)', () => {
    const { uploadedAt: _ignored, uploadedBy: _by, salonId: _salon, ...data } = uploaded.data;
    const upload = command('UploadClientImport', { ...data, fileExpiresAt: now });
    spec.given([]).when(upload).then([uploaded]);
    spec.given([uploaded]).when(upload).thenNothingHappened();
  });

  it('takes a valid new mapping, refuses one without the phone, and makes the dry run stale', () => {
    const mapping = [
      { column: 0, field: 'phone' },
      { column: 1, field: 'firstName' },
    ] as const;
    spec
      .given([uploaded, dryRunStarted, dryRunCompleted])
      .when(command('ChangeImportMapping', { jobId, mapping }))
      .then([{ type: 'ImportMappingChanged', data: { jobId, mapping, changedAt: at } }]);
    spec.given([uploaded]).when(command('ChangeImportMapping', { jobId, mapping: [{ column: 1, field: 'firstName' }] })).thenThrows('invalid-mapping');
    spec
      .given([uploaded, { type: 'ImportMappingChanged', data: { jobId, mapping, changedAt: at } }])
      .when(command('StartClientImport', { jobId, existingClients: 'skip' }))
      .thenThrows('import-in-wrong-state');
  });

  it('runs the import only after a completed dry run', () => {
    spec.given([uploaded]).when(command('StartClientImport', { jobId, existingClients: 'skip' })).thenThrows('import-in-wrong-state');
    spec
      .given([uploaded, dryRunStarted, dryRunCompleted])
      .when(command('StartClientImport', { jobId, existingClients: 'fill-empty' }))
      .then([started]);
  });

  it('keeps only checkpoints that move forward (a resumed runner repeats rows)', () => {
    const progressed: ClientImportEvent = { type: 'ClientImportProgressed', data: { jobId, lastRow: 101, counts, recordedAt: at } };
    const history = [uploaded, dryRunStarted, dryRunCompleted, started, progressed];
    spec.given(history).when(command('RecordImportProgress', { jobId, lastRow: 51, counts })).thenNothingHappened();
    spec.given(history).when(command('RecordImportProgress', { jobId, lastRow: 101, counts })).thenNothingHappened();
    spec
      .given(history)
      .when(command('RecordImportProgress', { jobId, lastRow: 151, counts }))
      .then([{ type: 'ClientImportProgressed', data: { jobId, lastRow: 151, counts, recordedAt: at } }]);
  });

  it('completes once, and a completed import is not cancelled', () => {
    const completed: ClientImportEvent = { type: 'ClientImportCompleted', data: { jobId, counts, completedAt: at } };
    const history = [uploaded, dryRunStarted, dryRunCompleted, started];
    spec.given(history).when(command('CompleteClientImport', { jobId, counts })).then([completed]);
    spec.given([...history, completed]).when(command('CompleteClientImport', { jobId, counts })).thenNothingHappened();
    spec.given([...history, completed]).when(command('CancelClientImport', { jobId })).thenThrows('import-finished');
  });

  it('cancels a running import once; its later checkpoints and completion record nothing', () => {
    const cancelled: ClientImportEvent = { type: 'ClientImportCancelled', data: { jobId, cancelledAt: at } };
    const history = [uploaded, dryRunStarted, dryRunCompleted, started];
    spec.given(history).when(command('CancelClientImport', { jobId })).then([cancelled]);
    spec.given([...history, cancelled]).when(command('CancelClientImport', { jobId })).thenNothingHappened();
    spec.given([...history, cancelled]).when(command('RecordImportProgress', { jobId, lastRow: 9, counts })).thenNothingHappened();
    spec.given([...history, cancelled]).when(command('CompleteClientImport', { jobId, counts })).thenNothingHappened();
  });

  it('refuses a dry run once the file was removed, and an unknown job', () => {
    const removed: ClientImportEvent = { type: 'ImportFileRemoved', data: { jobId, removedAt: at } };
    spec.given([uploaded, removed]).when(command('StartImportDryRun', { jobId, existingClients: 'skip' })).thenThrows('import-file-removed');
    spec.given([]).when(command('CancelClientImport', { jobId })).thenThrows('import-not-found');
  });
});

describe('reading an import row', () => {
  const mapping = [
    { column: 0, field: 'phone' },
    { column: 1, field: 'firstName' },
    { column: 2, field: 'birthDate' },
    { column: 3, field: 'remindersBySms' },
    { column: 4, field: 'serviceDiscount' },
    { column: 5, field: 'newsletter' },
  ] as const;

  it('reads the cells into a registration form, discounts and consent boxes', () => {
    expect(readImportRow(['601 234 567', 'Anna', '12.04.1990', 'tak', '10', null], mapping)).toEqual({
      ok: true,
      values: {
        form: { phone: '601 234 567', firstName: 'Anna', birthDate: '1990-04-12' },
        discounts: { serviceDiscountPercent: 10 },
        consent: { remindersBySms: true },
        marketing: {},
      },
    });
  });

  it('refuses a row by the field whose cell is not of its kind, without quoting it', () => {
    expect(readImportRow(['601 234 567', 'Anna', 'tomorrow'], mapping)).toEqual({
      ok: false,
      field: 'birthDate',
      reason: 'A date is written YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY',
    });
  });

  it('leaves out SMS reminders for a landline and never infers marketing consent', () => {
    const reading = readImportRow(['22 123 45 67', 'Anna', null, 'tak', null, 'tak'], mapping);
    if (!reading.ok) throw new Error('expected a reading');
    const profile = parseClientProfile(reading.values.form, { defaultCountry: 'PL', now });
    const importable = importableConsent(reading.values, profile, origin);
    expect(importable).toEqual({ ok: true, consent: {}, notes: [expect.objectContaining({ field: 'remindersBySms' }), expect.objectContaining({ field: 'newsletter' })] });
    if (importable.ok) expect(importable.notes[1].reason).toContain('written consent');
  });

  describe('written marketing consent', () => {
    const marketingMapping: ColumnMapping = [
      { column: 0, field: 'phone' },
      { column: 1, field: 'newsletter' },
      { column: 2, field: 'marketingSms' },
      { column: 3, field: 'marketingConsentDocumentRef' },
      { column: 4, field: 'marketingConsentTextVersion' },
    ];
    const consentOf = (cells: ImportCell[], from = origin) => {
      const reading = readImportRow(cells, marketingMapping);
      if (!reading.ok) throw new Error('expected a reading');
      return importableConsent(reading.values, parseClientProfile(reading.values.form, { defaultCountry: 'PL', now }), from);
    };

    it('records a yes with a document reference as written consent from the import, collected by the uploader at their salon', () => {
      expect(consentOf(['601 234 567', 'tak', 'tak', 'ZG-2024/0017', null])).toEqual({
        ok: true,
        consent: {},
        marketingConsent: {
          source: 'import',
          permissions: ['newsletter', 'marketingSms'],
          documentRef: 'ZG-2024/0017',
          signedAt: now.toISOString(),
          collectedBy: 'manager-1',
          salonId: 'salon-1',
        },
        notes: [],
      });
    });

    it('takes the consent text version as evidence too, and a no as nothing', () => {
      const importable = consentOf(['601 234 567', 'nie', 'tak', null, 'v3']);
      expect(importable).toMatchObject({ ok: true, marketingConsent: { permissions: ['marketingSms'], consentTextVersion: 'v3' } });
      expect(consentOf(['601 234 567', 'nie', 'nie', 'ZG-1', null])).toEqual({ ok: true, consent: {}, notes: [] });
    });

    it('never infers consent without evidence: the cell is refused, the client imported without marketing', () => {
      const importable = consentOf(['601 234 567', 'tak', null, null, null]);
      expect(importable).toEqual({ ok: true, consent: {}, notes: [{ field: 'newsletter', reason: expect.stringContaining('document reference or consent-text version') }] });
    });

    it('leaves marketing SMS out for a landline, and refuses the row of a file uploaded without a salon', () => {
      expect(consentOf(['22 123 45 67', 'tak', 'tak', 'ZG-1', null])).toMatchObject({
        ok: true,
        marketingConsent: { permissions: ['newsletter'] },
        notes: [{ field: 'marketingSms', reason: expect.stringContaining('landline') }],
      });
      expect(consentOf(['601 234 567', 'tak', null, 'ZG-1', null], { ...origin, salonId: undefined })).toEqual({
        ok: false,
        field: 'newsletter',
        reason: expect.stringContaining('X-Salon-Id'),
      });
    });

    it('says for a client already in the base that an import changes none of their consent', () => {
      const reading = readImportRow(['601 234 567', 'tak', 'nie', 'ZG-1', null], marketingMapping);
      if (!reading.ok) throw new Error('expected a reading');
      expect(consentNotesForExistingClient(reading.values).map((note) => note.field)).toEqual(['newsletter', 'marketingSms']);
    });
  });
});
