import { Inject, Injectable } from '@nestjs/common';
import {
  ActiveClient,
  ClientColumnKey,
  ClientProfile,
  ClientProfileForm,
  ColumnMapping,
  ExistingClientsPolicy,
  ImportCell,
  ImportFieldProblem,
  ImportRowValues,
  RegisterClient as RegisterClientCommand,
  clientDecider,
  consentNotesForExistingClient,
  importableConsent,
  isClientColumnKey,
  parseClientProfile,
  readImportRow,
  toClientStreamName,
} from '@salon/clients/domain';
import { DomainError } from '@salon/shared/ddd';
import { deterministicUuid, eventIdsFor } from '@salon/shared/event-sourcing';
import { EVENT_STORE, EventStore, WrongExpectedRevisionError } from '@salon/shared/event-store';
import { CommandContext, commandIdOf, commandMetadata } from '@salon/shared/nest';
import { ClientStream } from '../client-stream/client-stream';
import { CLIENTS_SETTINGS, ClientsSettings } from '../clients-settings';
import { EditClientProfile } from '../edit-client-profile/edit-client-profile.service';
import { PhoneReservations } from '../phone-reservations/phone-reservations';
import { ClientProfileQueries } from '../projections/client-profiles';
import { RegisterClient } from '../register-client/register-client.service';
import { SetClientDiscounts } from '../set-client-discounts/set-client-discounts.service';
import { ImportRowResult } from './client-import-rows';

/** What one job knows while it goes through its rows: who asked, the policy, and the numbers and e-mails seen so far. */
export interface ImportPass {
  /** The uploader's context (their tenant, user and salon); never their Idempotency-Key. */
  readonly context: CommandContext;
  readonly jobId: string;
  readonly mapping: ColumnMapping;
  readonly existingClients: ExistingClientsPolicy;
  /** E.164 → the first row that had it; lower-cased e-mail → the first row that had it. */
  readonly phones: Map<string, number>;
  readonly emails: Map<string, number>;
  /** Lower-cased e-mail → client id of the chain's active clients when the pass began (see `baseEmails`). */
  readonly baseEmails: ReadonlyMap<string, string>;
}

/** A row of the file as read once: its values and profile, or the problem that refuses it. */
export interface ImportRow {
  readonly number: number;
  /** The moment the row was read: the profile rules' "today" (birth dates), also for its commands. */
  readonly now: Date;
  readonly values?: ImportRowValues;
  readonly profile?: ClientProfile;
  readonly problem?: ImportFieldProblem;
}

/** The profile fields a row may fill (the phone, by which it was matched, is never changed by an update). */
const UPDATABLE_FIELDS = ['secondPhone', 'email', 'firstName', 'lastName', 'patronymic', 'birthDate', 'gender', 'comment'] as const;

/** Where the domain names a field, the column the report names. */
const COLUMN_OF_DOMAIN_FIELD: Readonly<Record<string, ClientColumnKey>> = {
  productDiscountPercent: 'productDiscount',
  serviceDiscountPercent: 'serviceDiscount',
  'initialConsent.notifications': 'notifications',
  'initialConsent.remindersBySms': 'remindersBySms',
  'initialConsent.remindersByEmail': 'remindersByEmail',
  'marketingConsent.documentRef': 'marketingConsentDocumentRef',
  'marketingConsent.consentTextVersion': 'marketingConsentTextVersion',
  'marketingConsent.marketingSms': 'marketingSms',
};

/**
 * One row of an import, tried (dry run: every rule decided, nothing recorded) or done (import).
 * Both go through the same steps and the same rules as the front desk's registration — the
 * client decider's, through `parseClientProfile` and the use-case services — so a dry run tells
 * what the import will do. A row done again (a retried or resumed job) records nothing twice:
 * its commands carry an Idempotency-Key made of the job and the row, from which RegisterClient
 * derives the client id as for any retried registration.
 */
@Injectable()
export class ClientImportRowProcessor {
  constructor(
    private readonly clients: ClientStream,
    private readonly phones: PhoneReservations,
    private readonly profiles: ClientProfileQueries,
    private readonly registerClient: RegisterClient,
    private readonly editClientProfile: EditClientProfile,
    private readonly setClientDiscounts: SetClientDiscounts,
    @Inject(CLIENTS_SETTINGS) private readonly settings: ClientsSettings,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /**
   * A row's cells read by the mapping and checked by the profile rules, once: the runner asks what
   * it shares with other rows, whom it would change, and then processes it, all from this.
   */
  read(pass: ImportPass, number: number, cells: readonly ImportCell[]): ImportRow {
    const now = new Date();
    const reading = readImportRow(cells, pass.mapping);
    if (!reading.ok) return { number, now, problem: reading };
    try {
      return { number, now, values: reading.values, profile: parseClientProfile(reading.values.form, { defaultCountry: this.settings.defaultPhoneCountry, now }) };
    } catch (error) {
      return { number, now, problem: problemOf(error) };
    }
  }

  /** `existingClientId`: what `existingClientOf` said for the row, looked up just before (the runner's batch). */
  async process(pass: ImportPass, importRow: ImportRow, existingClientId: string | undefined, apply: boolean): Promise<ImportRowResult> {
    const { number: row, values, profile, now } = importRow;
    if (!values || !profile) return refused(row, importRow.problem ?? { field: 'row', reason: 'The row cannot be read' });

    const duplicate = this.duplicateInFile(pass, profile);
    if (duplicate) return { row, outcome: 'skip-duplicate-in-file', problems: [duplicate] };

    const rowContext = this.rowContext(pass, row);
    const ownClientId = deterministicUuid(pass.context.principal.tenantId, 'register-client', rowContext.idempotencyKey as string);
    const result =
      existingClientId === undefined
        ? await this.create(rowContext, row, ownClientId, values, profile, apply, now)
        : await this.update(pass, rowContext, row, existingClientId, values, apply, now);
    if (result.outcome !== 'refused') {
      if (!pass.phones.has(profile.phone)) pass.phones.set(profile.phone, row);
      if (profile.email !== undefined && !pass.emails.has(profile.email.toLowerCase())) pass.emails.set(profile.email.toLowerCase(), row);
    }
    return result;
  }

  /** A row done before the checkpoint of a resumed job: its number and e-mail still count for duplicates. */
  remember(pass: ImportPass, { number, profile }: ImportRow): void {
    // A row the profile rules refused was refused then too; a duplicate counted for an earlier row.
    if (!profile || this.duplicateInFile(pass, profile)) return;
    pass.phones.set(profile.phone, number);
    if (profile.email !== undefined) pass.emails.set(profile.email.toLowerCase(), number);
  }

  /**
   * What a row shares with other rows of its file: its phone numbers and its e-mail. Two rows with
   * none in common cannot change how the other is decided (duplicates in the file, phone
   * reservations, the base's client matched by e-mail), so the runner may do them at the same time.
   * A row whose profile cannot be read has none: it is refused whatever the other rows are.
   */
  keysOf({ profile }: ImportRow): readonly string[] {
    if (!profile) return [];
    return [`phone:${profile.phone}`, ...(profile.secondPhone ? [`phone:${profile.secondPhone}`] : []), ...(profile.email ? [`email:${profile.email.toLowerCase()}`] : [])];
  }

  /**
   * The client of the base the row would change, read only: two rows that reach one client through
   * different numbers must be done in the order of the file, so the runner keeps them apart.
   */
  async existingClientOf(pass: ImportPass, { number, profile }: ImportRow): Promise<string | undefined> {
    if (!profile || this.duplicateInFile(pass, profile)) return undefined;
    const ownClientId = deterministicUuid(pass.context.principal.tenantId, 'register-client', this.rowContext(pass, number).idempotencyKey as string);
    return this.existingClient(pass, profile, ownClientId);
  }

  private duplicateInFile(pass: ImportPass, profile: ClientProfile): ImportFieldProblem | undefined {
    const samePhone = pass.phones.get(profile.phone);
    if (samePhone !== undefined) return { field: 'phone', reason: `The same phone number as row ${samePhone}` };
    const sameEmail = profile.email === undefined ? undefined : pass.emails.get(profile.email.toLowerCase());
    if (sameEmail !== undefined) return { field: 'email', reason: `The same e-mail address as row ${sameEmail}` };
    return undefined;
  }

  /**
   * The client the row's number (or else its e-mail) already belongs to: the phone from its
   * reservation streams (exact, from the event store), the e-mail from the e-mails of the base read
   * when the pass began (the read model, which may lag a moment behind). The row's own client, registered by an earlier
   * attempt of this job, is no existing client: the row goes on as a creation.
   */
  private async existingClient(pass: ImportPass, profile: ClientProfile, ownClientId: string): Promise<string | undefined> {
    const tenantId = pass.context.principal.tenantId;
    for (const streamName of this.phones.streamNamesOf(tenantId, profile.phone)) {
      const holders = await this.phones.holders(streamName, tenantId);
      if (holders.includes(ownClientId)) return undefined;
      if (holders.length > 0) return holders[0];
    }
    if (profile.email === undefined) return undefined;
    const holder = pass.baseEmails.get(profile.email.toLowerCase());
    return holder === ownClientId ? undefined : holder;
  }

  /** The e-mails of the base, read once for a pass: rows are matched against it without a query each. */
  async baseEmails(tenantId: string): Promise<ReadonlyMap<string, string>> {
    return this.profiles.activeClientsByEmail(tenantId);
  }

  private async create(
    context: CommandContext,
    row: number,
    clientId: string,
    values: ImportRowValues,
    profile: ClientProfile,
    apply: boolean,
    now: Date,
  ): Promise<ImportRowResult> {
    const importable = importableConsent(values, profile, { at: now, importedBy: context.principal.userId, salonId: context.salonId });
    if (!importable.ok) return refused(row, importable);
    const { consent, marketingConsent, notes } = importable;
    const defaultCountry = this.settings.defaultPhoneCountry;
    const discounts = discountsOf(values);
    // The discounts are recorded with the registration, in one append (RegisterClient's `discounts`).
    const form = {
      ...values.form,
      initialConsent: consent,
      ...(marketingConsent === undefined ? {} : { marketingConsent }),
      ...(discounts === undefined ? {} : { discounts }),
    };
    const registration: RegisterClientCommand = { type: 'RegisterClient', data: { ...form, clientId, defaultCountry }, metadata: commandMetadata(context, now) };
    try {
      // The decider's own rules, also in the dry run: the registration as it would be recorded.
      clientDecider.decide(registration, clientDecider.initialState());
      if (apply) await this.registerClient.execute(context, form);
    } catch (error) {
      return refused(row, problemOf(error));
    }
    return { row, outcome: 'create', clientId, problems: notes };
  }

  private async update(
    pass: ImportPass,
    context: CommandContext,
    row: number,
    clientId: string,
    values: ImportRowValues,
    apply: boolean,
    now: Date,
  ): Promise<ImportRowResult> {
    if (pass.existingClients === 'skip') {
      return { row, outcome: 'skip-existing', clientId, problems: [{ field: 'phone', reason: 'The client is already in the base' }] };
    }
    const { state, revision } = await this.clients.load(pass.context.principal.tenantId, clientId);
    if (state.status !== 'active' || revision === undefined) {
      return refused(row, { field: 'phone', reason: 'The number belongs to a client being removed; try again later' });
    }
    const form = mergedForm(state, values.form, pass.existingClients);
    const discounts = mergedDiscounts(state, values, pass.existingClients);
    const metadata = commandMetadata(context, now);
    // Whatever the policy, an existing client's consent stays as the consent context has it.
    const problems: ImportFieldProblem[] = consentNotesForExistingClient(values);
    try {
      const defaultCountry = this.settings.defaultPhoneCountry;
      const edits = clientDecider.decide({ type: 'EditClientProfile', data: { ...form, clientId, defaultCountry }, metadata }, state);
      const discountChanges = discounts
        ? clientDecider.decide({ type: 'SetClientDiscounts', data: { clientId, ...discounts }, metadata }, state)
        : [];
      if (!apply) {
        const changes = edits.length + discountChanges.length > 0;
        return changes
          ? { row, outcome: 'update', clientId, problems }
          : { row, outcome: 'skip-existing', clientId, problems: [{ field: 'phone', reason: 'The client is in the base with these data already' }, ...problems] };
      }
      // A resumed job may have done this row before the crash: its events are found by their ids.
      const doneBefore = await this.recordedByRow(clientId, context);
      if (edits.length > 0 || doneBefore) await this.editClientProfile.execute(context, clientId, form, revision);
      if (discounts && (discountChanges.length > 0 || doneBefore)) {
        await this.setClientDiscounts.execute(this.secondCommand(context, 'discounts'), clientId, discounts);
      }
      return edits.length + discountChanges.length > 0 || doneBefore
        ? { row, outcome: 'update', clientId, problems }
        : { row, outcome: 'skip-existing', clientId, problems: [{ field: 'phone', reason: 'The client is in the base with these data already' }, ...problems] };
    } catch (error) {
      return refused(row, problemOf(error));
    }
  }

  /** Whether an earlier attempt of this row recorded anything on the client's stream (event ids derive from the row's key). */
  private async recordedByRow(clientId: string, context: CommandContext): Promise<boolean> {
    const streamName = toClientStreamName(clientId);
    const ids = new Set(
      [context, this.secondCommand(context, 'discounts')].map((step) => eventIdsFor(streamName, commandIdOf(step), 1)[0]),
    );
    const recorded = await this.store.readStream(streamName, { direction: 'backwards', maxCount: 50 });
    return recorded.some((event) => ids.has(event.id));
  }

  /** The row's commands: the uploader's context with a key of the job and the row (opaque ids, never a value of the file). */
  private rowContext(pass: ImportPass, row: number): CommandContext {
    return { ...pass.context, idempotencyKey: `import:${pass.jobId}:${row}` };
  }

  private secondCommand(context: CommandContext, step: string): CommandContext {
    return { ...context, idempotencyKey: `${context.idempotencyKey}:${step}` };
  }
}

function refused(row: number, problem: ImportFieldProblem): ImportRowResult {
  return { row, outcome: 'refused', problems: [{ field: problem.field, reason: problem.reason }] };
}

/** A domain refusal as field and reason; anything else is not the row's fault and stops the job. */
function problemOf(error: unknown): ImportFieldProblem {
  if (error instanceof DomainError && (error.kind === 'invalid' || error.kind === 'conflict')) {
    const field = typeof error.details['field'] === 'string' ? error.details['field'] : error.code === 'phone-taken' ? 'phone' : 'row';
    const column = COLUMN_OF_DOMAIN_FIELD[field] ?? (isClientColumnKey(field) ? field : 'row');
    return { field: column, reason: reasonWithoutValue(error) };
  }
  if (error instanceof WrongExpectedRevisionError) {
    return { field: 'row', reason: 'The client was changed by someone else meanwhile; import the row again' };
  }
  throw error;
}

/** Said instead of a registration's reason that quotes what was typed (the front desk sees its own input; a stored report must not keep it). */
const REASONS_WITHOUT_VALUE: Readonly<Record<string, string>> = {
  'invalid-email': 'This is not a valid e-mail address',
  'invalid-birth-date': 'This is not a date of the calendar',
};

function reasonWithoutValue(error: DomainError): string {
  // Written marketing consent's reasons quote the characters a reference may hold, never the cell.
  if (error.code === 'invalid-marketing-consent') return error.reason;
  const quotesInput = /"[^"]*"/.test(error.reason) || (error.code === 'invalid-birth-date' && error.reason.endsWith('is not a date of the calendar'));
  if (!quotesInput) return error.reason;
  return REASONS_WITHOUT_VALUE[error.code] ?? error.reason.replace(/"[^"]*"/g, 'the value');
}

function discountsOf(values: ImportRowValues): { productDiscountPercent: number; serviceDiscountPercent: number } | undefined {
  const { productDiscountPercent, serviceDiscountPercent } = values.discounts;
  if (productDiscountPercent === undefined && serviceDiscountPercent === undefined) return undefined;
  return { productDiscountPercent: productDiscountPercent ?? 0, serviceDiscountPercent: serviceDiscountPercent ?? 0 };
}

/**
 * The profile after the row: `overwrite` takes every field the row has a value for, `fill-empty`
 * only those the client has none for. A field the row leaves empty is kept either way, and the
 * phone stays the client's (the row was matched by it, or by the e-mail).
 */
function mergedForm(client: ActiveClient, row: ClientProfileForm, policy: Exclude<ExistingClientsPolicy, 'skip'>): ClientProfileForm {
  const current = client.profile;
  const merged: Record<string, unknown> = { phone: current.phone };
  for (const field of UPDATABLE_FIELDS) {
    const has = current[field] !== undefined && !(field === 'gender' && current.gender === 'unspecified');
    const incoming = row[field];
    merged[field] = incoming !== undefined && (policy === 'overwrite' || !has) ? incoming : current[field];
  }
  return merged as unknown as ClientProfileForm;
}

function mergedDiscounts(
  client: ActiveClient,
  values: ImportRowValues,
  policy: Exclude<ExistingClientsPolicy, 'skip'>,
): { productDiscountPercent: number; serviceDiscountPercent: number } | undefined {
  const { productDiscountPercent, serviceDiscountPercent } = values.discounts;
  if (productDiscountPercent === undefined && serviceDiscountPercent === undefined) return undefined;
  const current = client.discounts;
  const pick = (incoming: number | undefined, existing: number) =>
    incoming !== undefined && (policy === 'overwrite' || existing === 0) ? incoming : existing;
  return {
    productDiscountPercent: pick(productDiscountPercent, current.productDiscountPercent),
    serviceDiscountPercent: pick(serviceDiscountPercent, current.serviceDiscountPercent),
  };
}

