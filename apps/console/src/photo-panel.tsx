import { ChangeEvent, useCallback, useEffect, useState } from 'react';
import { ApiProblem, ClientCard, problemOf } from './api';
import { useConsole } from './context';
import { PHOTO_EXTENSIONS, PHOTO_MAX_BYTES } from './photo-limits';
import { FormProblem } from './ui';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  heic: 'image/heic',
  svg: 'image/svg+xml',
};
const PHOTO_POLL_MS = 300;
const PHOTO_WAIT_MS = 15_000;

/**
 * The client's photo on the Profile tab: the 256 px rendition through a short-lived link of the
 * media service, an upload (the image itself as the body, as the API takes it) and a removal.
 * The card learns of a new photo through the media service's call to the clients service, so the
 * card is read again until it names the photo.
 */
export function PhotoPanel({ card, onChanged }: { readonly card: ClientCard; readonly onChanged: (ready: (card: ClientCard) => boolean) => Promise<void> }) {
  const { t, api, session } = useConsole();
  const [link, setLink] = useState<string>();
  const [problem, setProblem] = useState<ApiProblem>();
  const [local, setLocal] = useState<string>();
  const [busy, setBusy] = useState(false);
  const clientId = card.clientId;
  const photoRef = card.photoRef;

  const loadLink = useCallback(async () => {
    setLink(undefined);
    if (!photoRef) return;
    const deadline = Date.now() + PHOTO_WAIT_MS;
    for (;;) {
      const { data, response } = await api.media.GET('/clients/{clientId}/photo', { params: { path: { clientId }, query: { size: 256 } } });
      if (data) return setLink(data.url);
      if (response.status !== 404 || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, PHOTO_POLL_MS));
    }
  }, [api, clientId, photoRef]);

  useEffect(() => {
    void loadLink();
  }, [loadLink]);

  const upload = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    setProblem(undefined);
    setLocal(undefined);
    if (!file) return;
    const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
    if (!(PHOTO_EXTENSIONS as readonly string[]).includes(extension)) return setLocal(t.photoWrongType);
    if (file.size > PHOTO_MAX_BYTES) return setLocal(t.photoTooLarge);
    setBusy(true);
    try {
      const { data, error, response } = await api.media.PUT('/clients/{clientId}/photo', {
        params: { path: { clientId }, header: { 'X-Salon-Id': session.salonId, 'Content-Disposition': `attachment; filename="photo.${extension}"` } },
        body: file,
        bodySerializer: (body: Blob) => body,
        headers: { 'Content-Type': file.type || CONTENT_TYPES[extension] },
      });
      if (error || !data) return setProblem(problemOf(response.status, error));
      await onChanged((loaded) => loaded.photoRef === data.photoId);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setProblem(undefined);
    const { error, response } = await api.media.DELETE('/clients/{clientId}/photo', { params: { path: { clientId }, header: { 'X-Salon-Id': session.salonId } } });
    if (error) return setProblem(problemOf(response.status, error));
    await onChanged((loaded) => loaded.photoRef === null);
  };

  const inputId = `photo-${clientId}`;
  return (
    <fieldset className="photo">
      <legend>{t.photo}</legend>
      {photoRef ? link ? <img src={link} alt={t.photoAlt} width={128} /> : <p className="loading">{t.loading}</p> : <p className="empty">{t.noPhoto}</p>}
      <div className="field">
        <label htmlFor={inputId}>{photoRef ? t.replacePhoto : t.uploadPhoto}</label>
        <input id={inputId} type="file" accept={PHOTO_EXTENSIONS.map((extension) => `.${extension}`).join(',')} disabled={busy} aria-describedby={`${inputId}-hint`} onChange={(event) => void upload(event)} />
        <p id={`${inputId}-hint`} className="hint">
          {t.photoLimits}
        </p>
        {local ? (
          <p className="field-error" role="alert">
            {local}
          </p>
        ) : null}
      </div>
      <FormProblem t={t} problem={problem} known={[]} />
      {photoRef ? (
        <button type="button" onClick={() => void remove()}>
          {t.removePhoto}
        </button>
      ) : null}
    </fieldset>
  );
}
