import { useCallback, useEffect, useState } from 'react';
import type { ConsentService } from '@salon/api-client';
import { ApiProblem, ClientCard, ConsentView, Permission, problemOf } from './api';
import { useConsole } from './context';
import { formatDateTime } from './names';
import { Field, FormProblem, Loading } from './ui';

type ConsentHistory = ConsentService.components['schemas']['ConsentHistoryEntryResponse'][];

const PERMISSIONS: readonly Permission[] = ['notifications', 'remindersBySms', 'remindersByEmail', 'newsletter', 'marketingSms'];
const MARKETING: readonly Permission[] = ['newsletter', 'marketingSms'];
const SMS: readonly Permission[] = ['remindersBySms', 'marketingSms'];
const CONSENT_POLL_MS = 300;
const CONSENT_WAIT_MS = 15_000;

/**
 * The consent switches. Each switch is one command of the consent service (as the API has it);
 * an SMS switch is off and disabled for a landline, with the reason; a marketing switch goes ON
 * only with the reference of the client's signed form, which the API requires and records.
 */
export function ConsentPanel({ card }: { readonly card: ClientCard }) {
  const { t, api, session } = useConsole();
  const [consent, setConsent] = useState<ConsentView>();
  const [problem, setProblem] = useState<ApiProblem>();
  const [documentRef, setDocumentRef] = useState('');
  const [history, setHistory] = useState<ConsentHistory>();
  const clientId = card.clientId;

  const loadHistory = useCallback(async () => {
    const { data } = await api.consent.GET('/clients/{clientId}/consent/history', { params: { path: { clientId } } });
    if (data) setHistory(data.changes);
  }, [api, clientId]);

  // The consent record is opened from the registration event: a new client's may follow it.
  const load = useCallback(async () => {
    const deadline = Date.now() + CONSENT_WAIT_MS;
    for (;;) {
      const { data, error, response } = await api.consent.GET('/clients/{clientId}/consent', { params: { path: { clientId } } });
      if (data && (data.status !== 'none' || Date.now() > deadline)) return setConsent(data);
      if (error && response.status !== 404) return setProblem(problemOf(response.status, error));
      if (Date.now() > deadline) return setProblem(problemOf(response.status, error));
      await new Promise((resolve) => setTimeout(resolve, CONSENT_POLL_MS));
    }
  }, [api, clientId]);

  useEffect(() => {
    void load().then(loadHistory);
  }, [load, loadHistory]);

  const change = async (permission: Permission, granted: boolean) => {
    setProblem(undefined);
    const marketing = granted && MARKETING.includes(permission);
    const evidence =
      marketing && documentRef.trim()
        ? { documentRef: documentRef.trim(), signedAt: new Date().toISOString(), collectedBy: session.user, salonId: session.salonId }
        : undefined;
    const { data, error, response } = await api.consent.PUT('/clients/{clientId}/consent/{permission}', {
      params: { path: { clientId, permission }, header: { 'X-Salon-Id': session.salonId } },
      body: { granted, source: 'front-desk', ...(evidence ? { evidence } : {}) },
    });
    if (error || !data) return setProblem(problemOf(response.status, error));
    setConsent(data);
    await loadHistory();
  };

  if (!consent) return problem ? <FormProblem t={t} problem={problem} known={[]} /> : <Loading t={t} />;
  const landline = consent.smsCapable === false;
  return (
    <fieldset className="consent">
      <legend>{t.consent}</legend>
      <FormProblem t={t} problem={problem} known={['evidence', 'permission']} />
      {PERMISSIONS.map((permission) => {
        const disabled = landline && SMS.includes(permission) && !consent.switches[permission];
        const reasonId = `consent-${permission}-reason`;
        return (
          <div key={permission} className="switch">
            <label className="inline">
              <input
                type="checkbox"
                role="switch"
                name={permission}
                checked={consent.switches[permission]}
                disabled={disabled}
                aria-describedby={disabled ? reasonId : undefined}
                onChange={(event) => void change(permission, event.target.checked)}
              />
              {t[permission]}
            </label>
            {disabled ? (
              <span id={reasonId} className="reason">
                {t.landline}
              </span>
            ) : null}
          </div>
        );
      })}
      <p className="hint">{t.writtenConsentHint}</p>
      <Field label={t.writtenConsentRef} t={t} problem={problem} fields={['evidence']}>
        {(id, describedBy) => <input id={id} name="documentRef" aria-describedby={describedBy} value={documentRef} onChange={(event) => setDocumentRef(event.target.value)} />}
      </Field>
      {history ? <ConsentHistoryTable history={history} /> : null}
    </fieldset>
  );
}

/** The consent ledger, newest first: what changed, when, through what, by whom, and the written form's reference. */
function ConsentHistoryTable({ history }: { readonly history: ConsentHistory }) {
  const { t, language } = useConsole();
  return (
    <details className="consent-history">
      <summary>{t.consentHistory}</summary>
      {history.length === 0 ? (
        <p className="empty">{t.noConsentHistory}</p>
      ) : (
        <table aria-label={t.consentHistory}>
          <thead>
            <tr>
              <th scope="col">{t.when}</th>
              <th scope="col">{t.change}</th>
              <th scope="col">{t.source}</th>
              <th scope="col">{t.who}</th>
              <th scope="col">{t.writtenConsentRef}</th>
            </tr>
          </thead>
          <tbody>
            {[...history].reverse().map((entry) => {
              const data = entry.data as { permission?: Permission; evidence?: { documentRef?: string } };
              return (
                <tr key={entry.revision}>
                  <td>{formatDateTime(language, entry.at)}</td>
                  <td>
                    {entry.type}
                    {data.permission ? ` · ${t[data.permission]}` : ''}
                  </td>
                  <td>{t.sources[entry.source] ?? entry.source}</td>
                  <td>{entry.actorId ?? '—'}</td>
                  <td>{data.evidence?.documentRef ?? ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </details>
  );
}
