import { FormEvent, ReactNode, useCallback, useEffect, useState } from 'react';
import { ApiProblem, ClientCard, VisitListItem, VisitStatus, ifMatch, problemOf } from './api';
import { useConsole } from './context';
import { Field, FormProblem, Loading } from './ui';

const STATUSES: readonly VisitStatus[] = ['booked', 'confirmed', 'arrived', 'completed', 'cancelled', 'no-show'];
// Symbols every common font has (an emoji would need a colour-emoji font).
const ICONS: Readonly<Record<VisitStatus, string>> = { booked: '◷', confirmed: '☑', arrived: '➜', completed: '✔', cancelled: '✖', 'no-show': '⊘' };
// The visit list and the statistics are read models fed by the visits' events: while the tab is
// open they are read again now and then, so a visit booked or completed shows up by itself.
const REFRESH_MS = 1_000;

type Summary = NonNullable<ClientCard['visitStatistics']['firstVisit']>;

/** A control that shows `content` while hovered or focused (the manuals' "hover over the number"). */
function Hover({ label, content, children }: { readonly label: string; readonly content: ReactNode; readonly children: (describedBy: string) => ReactNode }) {
  const [open, setOpen] = useState(false);
  const id = `tip-${label.replace(/\W+/g, '-')}`;
  return (
    <span className="hover" onMouseEnter={() => setOpen(true)} onMouseLeave={() => setOpen(false)} onFocus={() => setOpen(true)} onBlur={() => setOpen(false)}>
      {children(id)}
      <span role="tooltip" id={id} className="tooltip" hidden={!open}>
        {content}
      </span>
    </span>
  );
}

export function VisitsTab({ card, onChanged }: { readonly card: ClientCard; readonly onChanged: () => Promise<void> }) {
  const { t, api, session } = useConsole();
  const [items, setItems] = useState<readonly VisitListItem[]>();
  const [problem, setProblem] = useState<ApiProblem>();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<VisitStatus | ''>('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [opened, setOpened] = useState<string>();
  const clientId = card.clientId;

  const load = useCallback(async () => {
    const { data, error, response } = await api.visits.GET('/clients/{clientId}/visits', {
      params: {
        path: { clientId },
        query: { limit: 50, ...(q.trim() ? { q: q.trim() } : {}), ...(status ? { status: [status] } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) },
      },
    });
    if (error || !data) return setProblem(problemOf(response.status, error));
    setProblem(undefined);
    setItems(data.items);
  }, [api, clientId, q, status, from, to]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => {
      void load();
      void onChanged();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [load, onChanged]);

  const act = async (visit: VisitListItem, action: 'arrive' | 'complete' | 'cancel') => {
    const current = await api.visits.GET('/visits/{visitId}', { params: { path: { visitId: visit.visitId } } });
    if (current.error || !current.data) return setProblem(problemOf(current.response.status, current.error));
    const params = { path: { visitId: visit.visitId }, header: { 'If-Match': ifMatch(current.data.revision), 'X-Salon-Id': session.salonId } };
    const answer =
      action === 'arrive'
        ? await api.visits.POST('/visits/{visitId}/arrive', { params })
        : action === 'complete'
          ? await api.visits.POST('/visits/{visitId}/complete', { params })
          : await api.visits.POST('/visits/{visitId}/cancel', { params, body: { by: 'salon', late: false } });
    if (answer.error) return setProblem(problemOf(answer.response.status, answer.error));
    await load();
  };

  const statistics = card.visitStatistics;
  const summary = (which: string, visit: Summary | null | undefined) => (
    <div className="statistic">
      <span className="label">{which}</span>{' '}
      {visit ? (
        <Hover label={`${which}-${visit.number}`} content={<VisitSummary visit={visit} />}>
          {(describedBy) => (
            <button type="button" className="link" aria-describedby={describedBy} onClick={() => setOpened(visit.visitId)}>
              {visit.salonDate} · №{visit.number}
            </button>
          )}
        </Hover>
      ) : (
        '—'
      )}
    </div>
  );

  return (
    <div className="visits">
      <div className="statistics" aria-label={t.visitsTab}>
        {summary(t.firstVisit, statistics.firstVisit)}
        {summary(t.lastVisit, statistics.lastVisit)}
        <div className="statistic">
          <span className="label">{t.visitCount}</span> <output aria-label={t.visitCount}>{statistics.visitCount}</output>
        </div>
      </div>
      {card.status === 'active' ? <BookVisit clientId={clientId} onBooked={load} /> : null}
      <form role="search" className="search" onSubmit={(event) => event.preventDefault()}>
        <label>
          {t.visitSearch} <input type="search" value={q} onChange={(event) => setQ(event.target.value)} />
        </label>
        <label>
          {t.status}{' '}
          <select value={status} onChange={(event) => setStatus(event.target.value as VisitStatus | '')}>
            <option value="">{t.allStatuses}</option>
            {STATUSES.map((candidate) => (
              <option key={candidate} value={candidate}>
                {t.statuses[candidate]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.from} <input type="date" value={from} onChange={(event) => setFrom(event.target.value)} />
        </label>
        <label>
          {t.to} <input type="date" value={to} onChange={(event) => setTo(event.target.value)} />
        </label>
      </form>
      <FormProblem t={t} problem={problem} known={[]} />
      {items === undefined ? (
        <Loading t={t} />
      ) : items.length === 0 ? (
        <p className="empty">{t.noVisits}</p>
      ) : (
        <table className="visit-list">
          <thead>
            <tr>
              <th scope="col">{t.status}</th>
              <th scope="col">{t.visitNumber}</th>
              <th scope="col">{t.date}</th>
              <th scope="col">{t.services}</th>
              <th scope="col">{t.specialists}</th>
              <th scope="col">{t.amount}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {items.map((visit) => (
              <tr key={visit.visitId} data-visit-number={visit.number}>
                <td>
                  <span className="status-icon" role="img" aria-label={t.statuses[visit.status]} title={t.statuses[visit.status]}>
                    {ICONS[visit.status]}
                  </span>
                </td>
                <td>
                  <button type="button" className="link" onClick={() => setOpened(visit.visitId)}>
                    {visit.number}
                  </button>
                </td>
                <td>{visit.salonDate}</td>
                <td>
                  {visit.serviceCount > 1 ? (
                    <Hover label={`services-${visit.number}`} content={<ul>{visit.services.map((service) => <li key={service.serviceId}>{service.name}</li>)}</ul>}>
                      {(describedBy) => (
                        <button type="button" className="link" aria-describedby={describedBy}>
                          {visit.serviceCount}
                        </button>
                      )}
                    </Hover>
                  ) : (
                    visit.services[0]?.name
                  )}
                </td>
                <td>{visit.specialists.map((specialist) => specialist.specialistName).join(', ')}</td>
                <td>{visit.amounts.total.toFixed(2)}</td>
                <td className="row-actions">
                  {visit.status === 'booked' || visit.status === 'confirmed' ? (
                    <>
                      <button type="button" onClick={() => void act(visit, 'arrive')}>
                        {t.arrive}
                      </button>
                      <button type="button" onClick={() => void act(visit, 'cancel')}>
                        {t.cancelVisit}
                      </button>
                    </>
                  ) : null}
                  {visit.status === 'arrived' ? (
                    <button type="button" onClick={() => void act(visit, 'complete')}>
                      {t.complete}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {opened ? <VisitDetails visitId={opened} onClose={() => setOpened(undefined)} /> : null}
    </div>
  );
}

function VisitSummary({ visit }: { readonly visit: Summary }) {
  const { t } = useConsole();
  return (
    <span className="summary">
      {visit.salonDate} · {t.statuses[visit.status]} · {visit.services.join(', ')} · {visit.specialists.join(', ')} · {visit.amount.toFixed(2)}
    </span>
  );
}

function VisitDetails({ visitId, onClose }: { readonly visitId: string; readonly onClose: () => void }) {
  const { t, api } = useConsole();
  const [visit, setVisit] = useState<{ number: number; status: VisitStatus; salonDate: string; services: { name: string; specialistName: string; price: number }[] }>();
  useEffect(() => {
    void api.visits.GET('/visits/{visitId}', { params: { path: { visitId } } }).then(({ data }) => data && setVisit(data));
  }, [api, visitId]);
  return (
    <div role="dialog" aria-modal="true" aria-labelledby="visit-title" className="dialog">
      {visit ? (
        <>
          <h3 id="visit-title">
            {t.visit} №{visit.number}
          </h3>
          <p>
            {visit.salonDate} · {t.statuses[visit.status]}
          </p>
          <ul>
            {visit.services.map((service, index) => (
              <li key={index}>
                {service.name} — {service.specialistName} — {service.price.toFixed(2)}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <Loading t={t} />
      )}
      <button type="button" autoFocus onClick={onClose}>
        {t.close}
      </button>
    </div>
  );
}

function BookVisit({ clientId, onBooked }: { readonly clientId: string; readonly onBooked: () => Promise<void> }) {
  const { t, api, session } = useConsole();
  const [form, setForm] = useState({ date: '', start: '10:00', end: '11:00', service: '', price: '0', specialist: '' });
  const [problem, setProblem] = useState<ApiProblem>();
  const set = (field: keyof typeof form) => (value: string) => setForm((current) => ({ ...current, [field]: value }));

  // The salon's wall-clock time with this browser's offset, as the API takes it (ISO with a zone).
  const at = (time: string) => {
    const local = new Date(`${form.date}T${time}:00`);
    if (Number.isNaN(local.getTime())) return `${form.date}T${time}`;
    const minutes = -local.getTimezoneOffset();
    const sign = minutes < 0 ? '-' : '+';
    const pad = (value: number) => String(Math.floor(Math.abs(value))).padStart(2, '0');
    return `${form.date}T${time}:00${sign}${pad(minutes / 60)}:${pad(minutes % 60)}`;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    const slug = (text: string) => text.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-') || 'item';
    const service = {
      serviceId: `svc-${slug(form.service)}`,
      name: form.service.trim(),
      price: Number(form.price),
      durationMinutes: Math.max(1, Math.round((new Date(at(form.end)).getTime() - new Date(at(form.start)).getTime()) / 60_000)),
      specialistId: `staff-${slug(form.specialist)}`,
      specialistName: form.specialist.trim(),
    };
    const { error, response } = await api.visits.POST('/visits', {
      params: { header: { 'X-Salon-Id': session.salonId } },
      body: { clientId, salonId: session.salonId, startsAt: at(form.start), endsAt: at(form.end), services: [service] },
    });
    if (error) return setProblem(problemOf(response.status, error));
    await onBooked();
  };

  const input = (field: keyof typeof form, label: string, type: string, apiFields: string[]) => (
    <Field label={label} t={t} problem={problem} fields={apiFields}>
      {(id, describedBy) => <input id={id} type={type} aria-describedby={describedBy} value={form[field]} onChange={(event) => set(field)(event.target.value)} />}
    </Field>
  );

  return (
    <form className="book" onSubmit={submit} aria-label={t.bookVisit}>
      <FormProblem t={t} problem={problem} known={['startsAt', 'endsAt', 'services']} />
      <div className="grid">
        {input('date', t.date, 'date', ['startsAt'])}
        {input('start', t.start, 'time', ['startsAt'])}
        {input('end', t.end, 'time', ['endsAt'])}
        {input('service', t.serviceName, 'text', ['services'])}
        {input('price', t.price, 'number', ['services.0.price'])}
        {input('specialist', t.specialist, 'text', ['services.0.specialistName'])}
      </div>
      <button type="submit">{t.bookVisit}</button>
    </form>
  );
}
