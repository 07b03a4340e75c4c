import { FormEvent, useMemo, useState } from 'react';
import { ApiProblem, apis, problemOf } from './api';
import { ClientCardView } from './client-card';
import { ClientList } from './client-list';
import { ImportWizard } from './import-wizard';
import { Console, Session } from './context';
import { LANGUAGES, Language, MESSAGES, Messages } from './i18n';
import { Field, FormProblem } from './ui';

const ROLES = ['receptionist', 'manager', 'owner'] as const;
const SESSION_KEY = 'salon-console-session';

function storedSession(): Session | undefined {
  const stored = sessionStorage.getItem(SESSION_KEY);
  return stored ? (JSON.parse(stored) as Session) : undefined;
}

function storedLanguage(): Language {
  const stored = localStorage.getItem('salon-console-language');
  return (LANGUAGES as readonly string[]).includes(stored ?? '') ? (stored as Language) : 'pl';
}

export type Screen = { readonly kind: 'list' } | { readonly kind: 'card'; readonly clientId: string } | { readonly kind: 'new' } | { readonly kind: 'import' };

export function App() {
  const [language, setLanguage] = useState<Language>(storedLanguage);
  const [session, setSession] = useState<Session | undefined>(storedSession);
  const [screen, setScreen] = useState<Screen>({ kind: 'list' });
  const t = MESSAGES[language];
  const api = useMemo(() => (session ? apis(session.token) : undefined), [session]);

  const chooseLanguage = (next: Language) => {
    localStorage.setItem('salon-console-language', next);
    document.documentElement.lang = next;
    setLanguage(next);
  };
  const signOut = () => {
    sessionStorage.removeItem(SESSION_KEY);
    setSession(undefined);
  };

  return (
    <div className="app">
      <header className="top">
        <h1>{t.appTitle}</h1>
        <label className="language">
          {t.language}{' '}
          <select value={language} onChange={(event) => chooseLanguage(event.target.value as Language)}>
            <option value="pl">Polski</option>
            <option value="ru">Русский</option>
            <option value="en">English</option>
          </select>
        </label>
        {session ? (
          <span className="session">
            {t.signedInAs}: {session.tenant} · {session.role}{' '}
            <button type="button" onClick={signOut}>
              {t.signOut}
            </button>
          </span>
        ) : null}
      </header>
      <main>
        {!session || !api ? (
          <SignIn
            t={t}
            onSignedIn={(next) => {
              sessionStorage.setItem(SESSION_KEY, JSON.stringify(next));
              setSession(next);
            }}
          />
        ) : (
          <Console.Provider value={{ t, language, session, api }}>
            {screen.kind === 'list' ? (
              <ClientList
                onOpen={(clientId) => setScreen({ kind: 'card', clientId })}
                onAdd={() => setScreen({ kind: 'new' })}
                onImport={() => setScreen({ kind: 'import' })}
              />
            ) : screen.kind === 'import' ? (
              <ImportWizard onDone={() => setScreen({ kind: 'list' })} />
            ) : (
              <ClientCardView
                key={screen.kind === 'card' ? screen.clientId : 'new'}
                clientId={screen.kind === 'card' ? screen.clientId : undefined}
                onRegistered={(clientId) => setScreen({ kind: 'card', clientId })}
                onBack={() => setScreen({ kind: 'list' })}
              />
            )}
          </Console.Provider>
        )}
      </main>
    </div>
  );
}

/**
 * Local sign-in: the console server's development route signs a token for the chosen chain and
 * role. With an identity provider, this form is replaced by its login, which yields the token.
 */
function SignIn({ t, onSignedIn }: { readonly t: Messages; readonly onSignedIn: (session: Session) => void }) {
  const [tenant, setTenant] = useState('chain-1');
  const [role, setRole] = useState<string>('receptionist');
  const [salonId, setSalonId] = useState('salon-1');
  const [problem, setProblem] = useState<ApiProblem>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const response = await fetch('/auth/dev-token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ tenant, role }) });
      const body: unknown = await response.json();
      if (!response.ok) return setProblem(problemOf(response.status, body));
      const signed = body as { token: string; tenant: string; role: string; user: string };
      onSignedIn({ ...signed, salonId });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel sign-in" onSubmit={submit} aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">{t.signInTitle}</h2>
      <p className="hint">{t.signInHint}</p>
      <FormProblem t={t} problem={problem} known={['tenant', 'role']} />
      <Field label={t.chain} t={t} problem={problem} fields={['tenant']} required>
        {(id, describedBy) => <input id={id} aria-describedby={describedBy} value={tenant} onChange={(event) => setTenant(event.target.value)} />}
      </Field>
      <Field label={t.role} t={t} problem={problem} fields={['role']}>
        {(id) => (
          <select id={id} value={role} onChange={(event) => setRole(event.target.value)}>
            {ROLES.map((candidate) => (
              <option key={candidate} value={candidate}>
                {candidate}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t.salon} t={t} fields={[]}>
        {(id) => <input id={id} value={salonId} onChange={(event) => setSalonId(event.target.value)} />}
      </Field>
      <button type="submit" disabled={busy}>
        {t.signIn}
      </button>
    </form>
  );
}
