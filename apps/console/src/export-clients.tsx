import { useState } from 'react';
import { ApiProblem, problemOf } from './api';
import { useConsole } from './context';
import { FormProblem } from './ui';

const FORMATS = ['xlsx', 'ods', 'csv'] as const;
type Format = (typeof FORMATS)[number];

/**
 * The client base as a spreadsheet (GET /clients/export, streamed by the service), in the console's
 * language so the import reads its headers back. The request carries the bearer token, so the file
 * is fetched and handed to the browser as a download rather than linked.
 */
export function ExportClients() {
  const { t, language, session } = useConsole();
  const [format, setFormat] = useState<Format>('xlsx');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem>();

  const download = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      const query = new URLSearchParams({ format, language });
      const response = await fetch(`${window.location.origin}/api/clients/clients/export?${query}`, { headers: { Authorization: `Bearer ${session.token}` } });
      if (!response.ok) return setProblem(problemOf(response.status, await response.json().catch(() => undefined)));
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = `clients-${new Date().toISOString().slice(0, 10)}.${format}`;
      link.click();
      URL.revokeObjectURL(url);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="export">
      <label className="inline">
        {t.exportFormat}
        <select value={format} onChange={(event) => setFormat(event.target.value as Format)}>
          {FORMATS.map((candidate) => (
            <option key={candidate} value={candidate}>
              {candidate}
            </option>
          ))}
        </select>
      </label>
      <button type="button" disabled={busy} onClick={() => void download()}>
        {busy ? t.exporting : t.exportClients}
      </button>
      <FormProblem t={t} problem={problem} known={[]} />
    </div>
  );
}
