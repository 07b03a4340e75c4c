import { FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiProblem, ClientListItem, idempotencyKey, problemOf } from './api';
import { useConsole } from './context';
import { ExportClients } from './export-clients';
import { CameraIcon } from './icons';
import { clientName } from './names';
import { FormProblem, Loading } from './ui';

const PAGE_SIZE = 20;

/** What the search box holds decides the filter: an e-mail has "@", a phone is digits. */
export function searchFilter(text: string): { name?: string; phone?: string; email?: string } {
  const value = text.trim();
  if (!value) return {};
  if (value.includes('@')) return { email: value };
  if (/^[+\d][\d\s()-]*$/.test(value)) return { phone: value };
  return { name: value };
}

/** Who may import and export the client base (the API's roles for those routes). */
const MANAGING_ROLES = ['owner', 'manager'];

export function ClientList(props: { readonly onOpen: (clientId: string) => void; readonly onAdd: () => void; readonly onImport: () => void }) {
  const { onOpen, onAdd } = props;
  const { t, api, session } = useConsole();
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [includeArchived, setIncludeArchived] = useState(false);
  // The cursors of the pages before this one: "previous" goes back one.
  const [cursors, setCursors] = useState<readonly (string | undefined)[]>([undefined]);
  const [items, setItems] = useState<readonly ClientListItem[]>();
  const [nextCursor, setNextCursor] = useState<string>();
  const [problem, setProblem] = useState<ApiProblem>();
  const cursor = cursors[cursors.length - 1];

  const load = useCallback(async () => {
    setItems(undefined);
    setProblem(undefined);
    const { data, error, response } = await api.clients.GET('/clients', {
      params: { query: { ...searchFilter(query), limit: PAGE_SIZE, includeArchived, ...(cursor ? { cursor } : {}) } },
    });
    if (error || !data) {
      setItems([]);
      return setProblem(problemOf(response.status, error));
    }
    setItems(data.items);
    setNextCursor(data.nextCursor);
  }, [api, query, includeArchived, cursor]);

  useEffect(() => {
    void load();
  }, [load]);

  const search = (event: FormEvent) => {
    event.preventDefault();
    setCursors([undefined]);
    setQuery(text);
  };

  const marketingOff = async (client: ClientListItem) => {
    const { error, response } = await api.consent.POST('/clients/{clientId}/consent/marketing/withdrawal', {
      params: { path: { clientId: client.clientId }, header: { 'Idempotency-Key': idempotencyKey(), 'X-Salon-Id': session.salonId } },
      body: { source: 'front-desk' },
    });
    if (error) return setProblem(problemOf(response.status, error));
    // The list is a read model: the switch shows OFF at once, the list catches up by itself.
    setItems((current) => current?.map((item) => (item.clientId === client.clientId && item.consent ? { ...item, consent: { ...item.consent, marketing: false } } : item)));
  };

  return (
    <section className="panel" aria-labelledby="clients-title">
      <div className="toolbar">
        <h2 id="clients-title">{t.clients}</h2>
        <button type="button" onClick={onAdd}>
          {t.addClient}
        </button>
        {MANAGING_ROLES.includes(session.role) ? (
          <>
            <button type="button" onClick={props.onImport}>
              {t.importClients}
            </button>
            <ExportClients />
          </>
        ) : null}
      </div>
      <form role="search" className="search" onSubmit={search}>
        <label htmlFor="client-search">{t.search}</label>
        <input id="client-search" type="search" value={text} onChange={(event) => setText(event.target.value)} />
        <button type="submit">{t.searchButton}</button>
        <label className="inline">
          <input
            type="checkbox"
            checked={includeArchived}
            onChange={(event) => {
              setCursors([undefined]);
              setIncludeArchived(event.target.checked);
            }}
          />
          {t.showArchived}
        </label>
      </form>
      <FormProblem t={t} problem={problem} known={[]} />
      {items === undefined ? (
        <Loading t={t} />
      ) : items.length === 0 ? (
        <p className="empty">{t.noClients}</p>
      ) : (
        <table className="clients">
          <thead>
            <tr>
              <th scope="col">{t.name}</th>
              <th scope="col">{t.phone}</th>
              <th scope="col">{t.email}</th>
              <th scope="col">{t.marketing}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((client) => {
              const name = clientName(t, client);
              return (
                <tr key={client.clientId} className={client.status === 'erased' ? 'archived' : undefined}>
                  <td>
                    <button type="button" className="link" onClick={() => onOpen(client.clientId)}>
                      {name}
                    </button>
                    {client.photoRef ? (
                      <span className="photo-icon" role="img" aria-label={t.photo} title={t.photo}>
                        {' '}
                        <CameraIcon />
                      </span>
                    ) : null}
                  </td>
                  <td>{client.contacts.phone ?? '—'}</td>
                  <td>{client.contacts.email ?? '—'}</td>
                  <td>
                    {client.status === 'erased' ? null : (
                      <input
                        type="checkbox"
                        role="switch"
                        aria-label={`${t.marketing}: ${name}`}
                        title={client.consent?.marketing ? t.marketingOff : t.marketingOnInCard}
                        checked={client.consent?.marketing ?? false}
                        disabled={!client.consent?.marketing}
                        onChange={() => void marketingOff(client)}
                      />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label="pages">
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors((current) => current.slice(0, -1))}>
          {t.previousPage}
        </button>
        <button type="button" disabled={!nextCursor} onClick={() => setCursors((current) => [...current, nextCursor])}>
          {t.nextPage}
        </button>
      </nav>
    </section>
  );
}
