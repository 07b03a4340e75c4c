import { FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiProblem, ClientCard, ifMatch, problemOf } from './api';
import { ConsentPanel } from './consent-panel';
import { TrashIcon } from './icons';
import { PhotoPanel } from './photo-panel';
import { useConsole } from './context';
import { clientName } from './names';
import { Field, FormProblem, Loading } from './ui';
import { VisitsTab } from './visits-tab';

interface ProfileForm {
  phone: string;
  secondPhone: string;
  email: string;
  firstName: string;
  lastName: string;
  patronymic: string;
  birthDate: string;
  gender: string;
  comment: string;
  productDiscount: string;
  serviceDiscount: string;
}

const EMPTY_FORM: ProfileForm = {
  phone: '',
  secondPhone: '',
  email: '',
  firstName: '',
  lastName: '',
  patronymic: '',
  birthDate: '',
  gender: '',
  comment: '',
  productDiscount: '0',
  serviceDiscount: '0',
};
const PROFILE_FIELDS = ['phone', 'secondPhone', 'email', 'firstName', 'lastName', 'patronymic', 'birthDate', 'gender', 'comment'] as const;
const CARD_POLL_MS = 300;
const CARD_WAIT_MS = 15_000;

function formOf(card: ClientCard): ProfileForm {
  return {
    phone: card.contacts.phone ?? '',
    secondPhone: card.contacts.secondPhone ?? '',
    email: card.contacts.email ?? '',
    firstName: card.names.firstName ?? '',
    lastName: card.names.lastName ?? '',
    patronymic: card.names.patronymic ?? '',
    birthDate: card.birthDate ?? '',
    gender: card.gender ?? '',
    comment: card.comment ?? '',
    productDiscount: String(card.discounts.products),
    serviceDiscount: String(card.discounts.services),
  };
}

/** The profile body: empty optional fields are left out (the API takes absent, not ""). */
function profileBody(form: ProfileForm) {
  const optional = Object.fromEntries(PROFILE_FIELDS.filter((field) => field !== 'phone' && form[field].trim()).map((field) => [field, form[field].trim()]));
  return { phone: form.phone.trim(), allowSharedPhone: false, ...optional };
}

/**
 * The client card: "Profile" (with consent, delete and erase) and "Visits". A new client is the
 * same form without the tabs; registering opens its card.
 */
export function ClientCardView(props: { readonly clientId?: string; readonly onRegistered: (clientId: string) => void; readonly onBack: () => void }) {
  const { t, api } = useConsole();
  const [tab, setTab] = useState<'profile' | 'visits'>('profile');
  const [card, setCard] = useState<ClientCard>();
  const [problem, setProblem] = useState<ApiProblem>();
  const { clientId } = props;

  /** The card is a read model: right after a write it may not show it yet, so wait for `ready`. */
  const loadCard = useCallback(
    async (ready: (loaded: ClientCard) => boolean = () => true) => {
      if (!clientId) return;
      const deadline = Date.now() + CARD_WAIT_MS;
      for (;;) {
        const { data, error, response } = await api.clients.GET('/clients/{clientId}', { params: { path: { clientId } } });
        if (data && (ready(data) || Date.now() > deadline)) return setCard(data);
        if (error && response.status !== 404) return setProblem(problemOf(response.status, error));
        if (Date.now() > deadline) return setProblem(problemOf(response.status, error));
        await new Promise((resolve) => setTimeout(resolve, CARD_POLL_MS));
      }
    },
    [api, clientId],
  );

  useEffect(() => {
    void loadCard();
  }, [loadCard]);

  const title = clientId ? (card ? clientName(t, card) : '') : t.addClient;
  return (
    <section className="panel card" aria-labelledby="card-title">
      <div className="toolbar">
        <button type="button" onClick={props.onBack}>
          ← {t.back}
        </button>
        <h2 id="card-title">{title}</h2>
      </div>
      {clientId && !card ? (
        problem ? <FormProblem t={t} problem={problem} known={[]} /> : <Loading t={t} />
      ) : (
        <>
          {card ? (
            <div role="tablist" aria-label={title} className="tabs">
              {(['profile', 'visits'] as const).map((name) => (
                <button
                  key={name}
                  type="button"
                  role="tab"
                  id={`tab-${name}`}
                  aria-selected={tab === name}
                  aria-controls={`panel-${name}`}
                  onClick={() => setTab(name)}
                >
                  {name === 'profile' ? t.profileTab : t.visitsTab}
                </button>
              ))}
            </div>
          ) : null}
          {tab === 'profile' || !card ? (
            <div role={card ? 'tabpanel' : undefined} id="panel-profile" aria-labelledby={card ? 'tab-profile' : undefined}>
              <ProfileEditor key={card?.revision ?? 'new'} card={card} onRegistered={props.onRegistered} onReload={(ready) => loadCard(ready)} />
              {card && card.status === 'active' ? <PhotoPanel card={card} onChanged={(ready) => loadCard(ready)} /> : null}
              {card && card.status === 'active' ? <ConsentPanel card={card} /> : null}
              {card && card.status === 'active' ? <DeleteAndErase card={card} onDeleted={props.onBack} onErased={() => loadCard((loaded) => loaded.status === 'erased')} /> : null}
            </div>
          ) : (
            <div role="tabpanel" id="panel-visits" aria-labelledby="tab-visits">
              <VisitsTab card={card} onChanged={loadCard} />
            </div>
          )}
        </>
      )}
    </section>
  );
}

function ProfileEditor(props: { readonly card?: ClientCard; readonly onRegistered: (clientId: string) => void; readonly onReload: (ready?: (card: ClientCard) => boolean) => Promise<void> }) {
  const { t, api, session } = useConsole();
  const { card } = props;
  const [form, setForm] = useState<ProfileForm>(card ? formOf(card) : EMPTY_FORM);
  const [consent, setConsent] = useState({ notifications: true, remindersBySms: false, remindersByEmail: false });
  const [problem, setProblem] = useState<ApiProblem>();
  const [stale, setStale] = useState(false);
  const [status, setStatus] = useState<'idle' | 'saving' | 'saved'>('idle');
  const erased = card?.status === 'erased';
  const set = (field: keyof ProfileForm) => (value: string) => {
    setStatus('idle');
    setForm((current) => ({ ...current, [field]: value }));
  };
  const headers = { 'X-Salon-Id': session.salonId };

  const register = async () => {
    const { data, error, response } = await api.clients.POST('/clients', { params: { header: headers }, body: { ...profileBody(form), consent } });
    if (error || !data) return setProblem(problemOf(response.status, error));
    props.onRegistered(data.clientId);
  };

  // One explicit save: the profile, then the discounts if they changed, each on the revision the
  // previous answer gave (If-Match), so a change someone else made meanwhile is a 409, not lost.
  const save = async (current: ClientCard) => {
    const saved = await api.clients.PUT('/clients/{clientId}', {
      params: { path: { clientId: current.clientId }, header: { ...headers, 'If-Match': ifMatch(current.revision) } },
      body: profileBody(form),
    });
    if (saved.error || !saved.data) return refused(problemOf(saved.response.status, saved.error));
    let revision = saved.data.revision;
    const products = Number(form.productDiscount);
    const services = Number(form.serviceDiscount);
    if (products !== current.discounts.products || services !== current.discounts.services) {
      const discounts = await api.clients.PUT('/clients/{clientId}/discounts', {
        params: { path: { clientId: current.clientId }, header: { ...headers, 'If-Match': ifMatch(revision) } },
        body: { productDiscountPercent: products, serviceDiscountPercent: services },
      });
      if (discounts.error || !discounts.data) return refused(problemOf(discounts.response.status, discounts.error));
      revision = discounts.data.revision;
    }
    setStatus('saved');
    await props.onReload((loaded) => BigInt(loaded.revision) >= BigInt(revision));
  };

  const refused = (next: ApiProblem) => {
    setStatus('idle');
    setStale(next.code === 'stale-revision');
    setProblem(next);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    setStale(false);
    setStatus('saving');
    if (card) await save(card);
    else await register();
  };

  const text = (field: keyof ProfileForm, label: string, options: { type?: string; required?: boolean; apiFields?: string[] } = {}) => (
    <Field label={label} t={t} problem={problem} fields={options.apiFields ?? [field]} required={options.required}>
      {(id, describedBy) => (
        <input
          id={id}
          name={field}
          type={options.type ?? 'text'}
          aria-describedby={describedBy}
          aria-invalid={describedBy ? true : undefined}
          value={form[field]}
          readOnly={erased}
          onChange={(event) => set(field)(event.target.value)}
        />
      )}
    </Field>
  );

  return (
    <form className="profile" onSubmit={submit} aria-label={t.profileTab} noValidate>
      {stale ? (
        <div className="stale" role="alert">
          {t.staleSave}{' '}
          <button type="button" onClick={() => void props.onReload()}>
            {t.reload}
          </button>
        </div>
      ) : (
        <FormProblem t={t} problem={problem} known={[...PROFILE_FIELDS, 'productDiscountPercent', 'serviceDiscountPercent']} />
      )}
      <div className="grid">
        {text('phone', t.phone, { type: 'tel', required: true })}
        {text('secondPhone', t.secondPhone, { type: 'tel' })}
        {text('email', t.email, { type: 'email' })}
        {text('firstName', t.firstName)}
        {text('lastName', t.lastName)}
        {text('patronymic', t.patronymic)}
        {text('birthDate', t.birthDate, { type: 'date' })}
        <Field label={t.gender} t={t} problem={problem} fields={['gender']}>
          {(id, describedBy) => (
            <select id={id} aria-describedby={describedBy} value={form.gender} disabled={erased} onChange={(event) => set('gender')(event.target.value)}>
              {Object.entries(t.genders).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field label={t.comment} t={t} problem={problem} fields={['comment']}>
        {(id, describedBy) => <textarea id={id} aria-describedby={describedBy} rows={3} value={form.comment} readOnly={erased} onChange={(event) => set('comment')(event.target.value)} />}
      </Field>
      {card ? (
        <fieldset>
          <legend>{t.discounts}</legend>
          <div className="grid">
            {text('productDiscount', t.productDiscount, { type: 'number', apiFields: ['productDiscountPercent'] })}
            {text('serviceDiscount', t.serviceDiscount, { type: 'number', apiFields: ['serviceDiscountPercent'] })}
          </div>
        </fieldset>
      ) : (
        <fieldset>
          <legend>{t.consent}</legend>
          {(['notifications', 'remindersBySms', 'remindersByEmail'] as const).map((permission) => (
            <label key={permission} className="inline">
              <input type="checkbox" checked={consent[permission]} onChange={(event) => setConsent((current) => ({ ...current, [permission]: event.target.checked }))} />
              {t[permission]}
            </label>
          ))}
        </fieldset>
      )}
      {erased ? null : (
        <div className="actions">
          <button type="submit" disabled={status === 'saving'}>
            {status === 'saving' ? t.saving : card ? t.save : t.register}
          </button>
          {status === 'saved' ? (
            <span role="status" className="saved">
              {t.saved}
            </span>
          ) : null}
        </div>
      )}
    </form>
  );
}

function DeleteAndErase(props: { readonly card: ClientCard; readonly onDeleted: () => void; readonly onErased: () => Promise<void> }) {
  const { t, api, session } = useConsole();
  const [message, setMessage] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const params = { path: { clientId: props.card.clientId }, header: { 'X-Salon-Id': session.salonId } };

  const remove = async () => {
    setMessage(undefined);
    const { error, response } = await api.clients.DELETE('/clients/{clientId}', { params });
    if (response.status === 204) return props.onDeleted();
    const problem = problemOf(response.status, error);
    const visitCount = Number(problem.details['visitCount'] ?? 0);
    setMessage(problem.code === 'client-has-visits' ? t.deleteRefused(visitCount) : problem.message || problem.code);
  };

  const erase = async () => {
    setConfirming(false);
    const { error, response } = await api.clients.POST('/clients/{clientId}/erasure', { params });
    if (error) return setMessage(problemOf(response.status, error).message);
    await props.onErased();
  };

  return (
    <div className="danger">
      <button type="button" className="trash" onClick={() => void remove()} aria-label={t.deleteClient} title={t.deleteClient}>
        <TrashIcon /> {t.deleteClient}
      </button>
      <button type="button" onClick={() => setConfirming(true)}>
        {t.eraseClient}
      </button>
      {message ? (
        <p className="form-error" role="alert">
          {message}
        </p>
      ) : null}
      {confirming ? (
        <div role="alertdialog" aria-modal="true" aria-labelledby="erase-question" className="dialog">
          <p id="erase-question">{t.eraseConfirm}</p>
          <button type="button" onClick={() => void erase()}>
            {t.confirm}
          </button>
          <button type="button" autoFocus onClick={() => setConfirming(false)}>
            {t.cancel}
          </button>
        </div>
      ) : null}
    </div>
  );
}
