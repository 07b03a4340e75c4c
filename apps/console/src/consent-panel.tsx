import { useCallback, useEffect, useState } from 'react';
import { ApiProblem, ClientCard, ConsentView, Permission, problemOf } from './api';
import { useConsole } from './context';
import { Field, FormProblem, Loading } from './ui';

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
  const clientId = card.clientId;

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
    void load();
  }, [load]);

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
    </fieldset>
  );
}
