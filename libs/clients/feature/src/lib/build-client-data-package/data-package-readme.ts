import type { DataPackageLanguage } from '@salon/clients/domain';
import type { PackageFile } from './data-package-zip';

/** What the README names beside its fixed text: ids, dates and the files. */
export interface ReadmeFacts {
  readonly tenantId: string;
  readonly clientId: string;
  readonly requestId: string;
  readonly generatedAt: string;
  readonly retentionDays: number;
  readonly files: readonly PackageFile[];
}

interface ReadmeText {
  readonly title: string;
  readonly intro: string;
  readonly idsHeading: string;
  readonly ids: { readonly chain: string; readonly client: string; readonly request: string; readonly generatedAt: string };
  readonly sections: readonly { readonly heading: string; readonly items: readonly string[] }[];
  readonly filesHeading: string;
  readonly fileColumns: readonly [string, string, string];
  readonly packageRetention: (days: number) => string;
}

/** GDPR Art. 15(1)(a)–(h) and 15(2): what the controller tells the person, in the chain's language. */
const TEXTS: Readonly<Record<DataPackageLanguage, ReadmeText>> = {
  en: {
    title: 'Your personal data',
    intro:
      'This package holds every piece of personal data the salon chain keeps about you (GDPR Art. 15, right of access) in ' +
      'machine-readable files you may take to another provider (Art. 20, right to data portability).',
    idsHeading: 'This package',
    ids: { chain: 'Salon chain', client: 'Client id', request: 'Request id', generatedAt: 'Generated at (UTC)' },
    sections: [
      { heading: 'Purposes of processing', items: ['Booking and carrying out your visits, and keeping their history', 'Reminders of your visits and, only with your written consent, marketing messages', "Statistics of the chain's business (visits and amounts, without your name)"] },
      { heading: 'Categories of data', items: ['Profile: name, phones, e-mail, birth date, gender, comment, discounts, photo', 'Visits: dates, salons, services, specialists, amounts, statuses', 'Consents: each permission, who recorded it, when, where and the evidence', 'History: every recorded change, with who made it and when'] },
      { heading: 'Recipients', items: ["The chain's notification service (reminders and, with your consent, marketing), which receives your consent state and contact channels", "The chain's analysts (BI), who see visit statistics without your personal data", "The chain's staff at the front desk"] },
      { heading: 'How long the data is kept', items: ['While you are a client of the chain; on erasure every piece of personal data is removed, and visits and amounts remain anonymised for statistics', 'The chain may set retention periods (e.g. erasure after years without a visit) and must keep data under a legal hold'] },
      { heading: 'Your rights', items: ['Access (this package), rectification, erasure, restriction of processing, data portability and objection (Art. 15–21)', 'Withdrawing a consent at any time, without affecting earlier processing', 'A complaint to a data protection supervisory authority'] },
      { heading: 'Source of the data', items: ['You, at the front desk or by phone; visits and consents as staff recorded them; photos as uploaded at the salon'] },
    ],
    filesHeading: 'Files',
    fileColumns: ['File', 'Bytes', 'SHA-256'],
    packageRetention: (days) => `This package is deleted ${days} day(s) after it was generated, and at once if you are erased.`,
  },
  pl: {
    title: 'Twoje dane osobowe',
    intro:
      'Ta paczka zawiera wszystkie dane osobowe, które sieć salonów przechowuje o Tobie (RODO art. 15, prawo dostępu), w plikach ' +
      'nadających się do odczytu maszynowego, które możesz przekazać innemu usługodawcy (art. 20, prawo do przenoszenia danych).',
    idsHeading: 'Ta paczka',
    ids: { chain: 'Sieć salonów', client: 'Identyfikator klienta', request: 'Identyfikator żądania', generatedAt: 'Wygenerowano (UTC)' },
    sections: [
      { heading: 'Cele przetwarzania', items: ['Rezerwacja i realizacja wizyt oraz prowadzenie ich historii', 'Przypomnienia o wizytach oraz, wyłącznie za Twoją pisemną zgodą, wiadomości marketingowe', 'Statystyki działalności sieci (wizyty i kwoty, bez Twojego nazwiska)'] },
      { heading: 'Kategorie danych', items: ['Profil: imię i nazwisko, telefony, e-mail, data urodzenia, płeć, komentarz, rabaty, zdjęcie', 'Wizyty: daty, salony, usługi, specjaliści, kwoty, statusy', 'Zgody: każde uprawnienie, kto je zapisał, kiedy, gdzie oraz dowód', 'Historia: każda zapisana zmiana, z informacją kto i kiedy ją wprowadził'] },
      { heading: 'Odbiorcy', items: ['Serwis powiadomień sieci (przypomnienia oraz, za zgodą, marketing), który otrzymuje stan Twoich zgód i kanały kontaktu', 'Analitycy sieci (BI), którzy widzą statystyki wizyt bez Twoich danych osobowych', 'Personel recepcji salonów sieci'] },
      { heading: 'Okres przechowywania', items: ['Tak długo, jak jesteś klientem sieci; po usunięciu danych wszystkie dane osobowe są usuwane, a wizyty i kwoty pozostają zanonimizowane do statystyk', 'Sieć może ustalić okresy retencji (np. usunięcie po latach bez wizyty) i musi przechowywać dane objęte blokadą prawną'] },
      { heading: 'Twoje prawa', items: ['Dostęp (ta paczka), sprostowanie, usunięcie, ograniczenie przetwarzania, przenoszenie danych i sprzeciw (art. 15–21)', 'Wycofanie zgody w dowolnym momencie, bez wpływu na wcześniejsze przetwarzanie', 'Skarga do organu nadzorczego (Prezes UODO)'] },
      { heading: 'Źródło danych', items: ['Ty, w recepcji lub telefonicznie; wizyty i zgody tak, jak zapisał je personel; zdjęcia przesłane w salonie'] },
    ],
    filesHeading: 'Pliki',
    fileColumns: ['Plik', 'Bajty', 'SHA-256'],
    packageRetention: (days) => `Ta paczka zostanie usunięta po ${days} dniach od wygenerowania, a natychmiast, jeśli Twoje dane zostaną usunięte.`,
  },
  ru: {
    title: 'Ваши персональные данные',
    intro:
      'Этот пакет содержит все персональные данные, которые сеть салонов хранит о вас (GDPR, ст. 15, право на доступ), в ' +
      'машиночитаемых файлах, которые можно передать другому поставщику услуг (ст. 20, право на переносимость данных).',
    idsHeading: 'Этот пакет',
    ids: { chain: 'Сеть салонов', client: 'Идентификатор клиента', request: 'Идентификатор запроса', generatedAt: 'Сформирован (UTC)' },
    sections: [
      { heading: 'Цели обработки', items: ['Запись и проведение ваших визитов, ведение их истории', 'Напоминания о визитах и, только с вашего письменного согласия, маркетинговые сообщения', 'Статистика работы сети (визиты и суммы, без вашего имени)'] },
      { heading: 'Категории данных', items: ['Профиль: имя, телефоны, e-mail, дата рождения, пол, комментарий, скидки, фото', 'Визиты: даты, салоны, услуги, специалисты, суммы, статусы', 'Согласия: каждое разрешение, кто и когда его записал, где, и подтверждение', 'История: каждое записанное изменение, кто и когда его внёс'] },
      { heading: 'Получатели', items: ['Сервис уведомлений сети (напоминания и, с вашего согласия, маркетинг), получающий состояние ваших согласий и каналы связи', 'Аналитики сети (BI), видящие статистику визитов без ваших персональных данных', 'Администраторы салонов сети'] },
      { heading: 'Срок хранения', items: ['Пока вы являетесь клиентом сети; при удалении все персональные данные удаляются, а визиты и суммы остаются обезличенными для статистики', 'Сеть может установить сроки хранения (например, удаление после лет без визитов) и обязана хранить данные под юридическим запретом на удаление'] },
      { heading: 'Ваши права', items: ['Доступ (этот пакет), исправление, удаление, ограничение обработки, переносимость и возражение (ст. 15–21)', 'Отзыв согласия в любой момент без влияния на прежнюю обработку', 'Жалоба в надзорный орган по защите данных'] },
      { heading: 'Источник данных', items: ['Вы — на ресепшене или по телефону; визиты и согласия — как их записал персонал; фото — загруженные в салоне'] },
    ],
    filesHeading: 'Файлы',
    fileColumns: ['Файл', 'Байт', 'SHA-256'],
    packageRetention: (days) => `Этот пакет удаляется через ${days} дн. после формирования, а при удалении ваших данных — сразу.`,
  },
};

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every value put into the page goes through this, fixed text included. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (character) => ESCAPES[character]);
}

/** README.html: the Art. 15 information and an index of the files, self-contained (no scripts, no external resources). */
export function dataPackageReadme(language: DataPackageLanguage, facts: ReadmeFacts): string {
  const text = TEXTS[language];
  const e = escapeHtml;
  const ids = [
    [text.ids.chain, facts.tenantId],
    [text.ids.client, facts.clientId],
    [text.ids.request, facts.requestId],
    [text.ids.generatedAt, facts.generatedAt],
  ];
  const sections = text.sections.map((section) => `<h2>${e(section.heading)}</h2>\n<ul>${section.items.map((item) => `<li>${e(item)}</li>`).join('')}</ul>`);
  const rows = facts.files.map((file) => `<tr><td><a href="${e(file.path)}">${e(file.path)}</a></td><td>${e(file.byteLength)}</td><td><code>${e(file.sha256)}</code></td></tr>`);
  return [
    '<!DOCTYPE html>',
    `<html lang="${e(language)}">`,
    '<head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
    `<title>${e(text.title)}</title><style>body{font-family:sans-serif;max-width:60em;margin:2em auto}td,th{padding:.2em .6em;text-align:left}</style></head>`,
    '<body>',
    `<h1>${e(text.title)}</h1>`,
    `<p>${e(text.intro)}</p>`,
    `<h2>${e(text.idsHeading)}</h2>`,
    `<table>${ids.map(([label, value]) => `<tr><th>${e(label)}</th><td>${e(value)}</td></tr>`).join('')}</table>`,
    `<p>${e(text.packageRetention(facts.retentionDays))}</p>`,
    ...sections,
    `<h2>${e(text.filesHeading)}</h2>`,
    `<table><tr>${text.fileColumns.map((column) => `<th>${e(column)}</th>`).join('')}</tr>${rows.join('')}</table>`,
    '</body></html>',
    '',
  ].join('\n');
}
