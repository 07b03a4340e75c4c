import type { ClientsService } from '@salon/api-client';
import type { Language } from './i18n';

/**
 * The texts of the import wizard (issue 18) in Polish, Russian and English. The field names are
 * the column headers the export writes (docs/client-import.md, "Columns and their synonyms").
 */
// The API's own lists: a field, policy or status the API adds or drops changes these types, and
// the messages below (Records over them) do not compile until they name it.
type Schemas = ClientsService.components['schemas'];
export type ImportField = Schemas['ColumnAssignmentView']['field'];
export type ExistingClientsPolicy = Schemas['RunClientImportRequest']['existingClients'];
export type ImportStatus = Schemas['ClientImportView']['status'];
export type RowOutcome = 'create' | 'update' | 'skip-duplicate-in-file' | 'skip-existing' | 'refused';

export interface ImportMessages {
  readonly title: string;
  readonly intro: string;
  // 1. Upload
  readonly uploadStep: string;
  readonly fileLabel: string;
  readonly fileHint: string;
  readonly upload: string;
  readonly uploading: string;
  readonly chooseFile: string;
  readonly wrongExtension: string;
  readonly uploadedFile: (format: string, rows: number) => string;
  readonly noRows: string;
  readonly replaceHint: string;
  // 2. Mapping
  readonly mappingStep: string;
  readonly mappingHint: string;
  readonly columnsTable: string;
  readonly columnLetter: string;
  readonly columnHeader: string;
  readonly targetField: string;
  readonly columnWithoutHeader: (letter: string) => string;
  readonly ignore: string;
  readonly unknownColumns: string;
  readonly noUnknownColumns: string;
  readonly saveMapping: string;
  readonly mappingSaved: string;
  readonly mappingUnsaved: string;
  readonly mappingLocked: string;
  readonly dryRun: string;
  readonly dryRunAgain: string;
  readonly phoneRequired: string;
  readonly fieldTwice: (field: string) => string;
  readonly fields: Readonly<Record<ImportField, string>>;
  // 3. Dry run
  readonly dryRunStep: string;
  readonly dryRunHint: string;
  readonly dryRunProgress: string;
  readonly rowsProgress: (done: number, total: number) => string;
  readonly dryRunWith: (policy: string) => string;
  readonly noDryRunYet: string;
  readonly counts: string;
  readonly rowsRead: string;
  readonly created: string;
  readonly updated: string;
  readonly skipped: string;
  readonly refused: string;
  readonly refusedRows: string;
  readonly noRefusedRows: string;
  readonly remarksRows: string;
  readonly row: string;
  readonly field: string;
  readonly reason: string;
  readonly outcome: string;
  readonly firstLines: (shown: number, total: number) => string;
  readonly loadingReport: string;
  readonly downloadDryRunReport: string;
  readonly outcomes: Readonly<Record<RowOutcome, string>>;
  // 4. Run
  readonly runStep: string;
  readonly runHint: string;
  readonly policyLegend: string;
  readonly policies: Readonly<Record<ExistingClientsPolicy, string>>;
  readonly policyHints: Readonly<Record<ExistingClientsPolicy, string>>;
  readonly policyDiffers: (dryRunPolicy: string) => string;
  readonly consentNeverChanged: string;
  readonly runImport: string;
  readonly runAfterDryRun: string;
  readonly importProgress: string;
  readonly cancelImport: string;
  readonly cancelling: string;
  readonly completed: string;
  readonly cancelled: string;
  readonly failed: string;
  readonly downloadReport: string;
  readonly downloading: string;
  readonly fileRemoved: string;
  readonly statuses: Readonly<Record<ImportStatus, string>>;
  // 5. Done
  readonly done: string;
  readonly backToList: string;
  readonly leaveHint: string;
  // Errors: by the API's code, else the API's own reason is shown.
  readonly network: string;
  readonly atMost: (megabytes: string) => string;
  readonly errors: Readonly<Record<string, string>>;
}

const en: ImportMessages = {
  title: 'Import clients from a spreadsheet',
  intro: 'Upload the file, check which column is which field, look at the dry run (nothing is recorded), then run the import.',
  uploadStep: '1. Upload the file',
  fileLabel: 'Spreadsheet file (csv, xlsx or ods)',
  fileHint: 'The first sheet is read; its first row names the columns.',
  upload: 'Upload',
  uploading: 'Uploading…',
  chooseFile: 'Choose a file first',
  wrongExtension: 'The file must be .csv, .xlsx or .ods',
  uploadedFile: (format, rows) => `Uploaded: ${format}, ${rows} client rows.`,
  noRows: 'The file has no client rows under its header row.',
  replaceHint: 'Uploading another file starts a new import; this one is left unfinished.',
  mappingStep: '2. Columns',
  mappingHint: 'Choose the field each column of the file fills, or ignore the column. The phone must be mapped.',
  columnsTable: 'Columns of the file',
  columnLetter: 'Column',
  columnHeader: 'Header in the file',
  targetField: 'Field',
  columnWithoutHeader: (letter) => `Column ${letter}`,
  ignore: '— ignore —',
  unknownColumns: 'Columns no field reads (ignored)',
  noUnknownColumns: 'Every column of the file names a field.',
  saveMapping: 'Save mapping',
  mappingSaved: 'The mapping is saved.',
  mappingUnsaved: 'The mapping has changed: it is saved before the dry run.',
  mappingLocked: 'The mapping cannot be changed while a dry run or the import runs, or after the import.',
  dryRun: 'Dry run',
  dryRunAgain: 'Dry run again',
  phoneRequired: 'The phone is mandatory: map a column to Phone',
  fieldTwice: (field) => `“${field}” is chosen for two columns`,
  fields: {
    firstName: 'First name',
    lastName: 'Last name',
    patronymic: 'Patronymic',
    phone: 'Phone',
    secondPhone: 'Second phone',
    email: 'Email',
    birthDate: 'Date of birth',
    gender: 'Gender',
    comment: 'Notes',
    serviceDiscount: 'Service discount',
    productDiscount: 'Product discount',
    notifications: 'Notifications allowed',
    remindersBySms: 'SMS reminders',
    remindersByEmail: 'E-mail reminders',
    marketingSms: 'Marketing SMS',
    newsletter: 'Newsletter',
    marketingConsentDocumentRef: 'Marketing consent document',
    marketingConsentTextVersion: 'Consent text version',
  },
  dryRunStep: '3. Dry run',
  dryRunHint: 'Every row is checked as the import would do it; nothing is recorded.',
  dryRunProgress: 'Dry run progress',
  rowsProgress: (done, total) => `${done} of ${total} rows`,
  dryRunWith: (policy) => `Clients already in the base: ${policy}.`,
  noDryRunYet: 'No dry run yet: check the columns, then press “Dry run”.',
  counts: 'Result',
  rowsRead: 'Rows',
  created: 'New clients',
  updated: 'Updated',
  skipped: 'Skipped',
  refused: 'Refused',
  refusedRows: 'Refused rows',
  noRefusedRows: 'No row is refused.',
  remarksRows: 'Rows imported with remarks',
  row: 'Row',
  field: 'Field',
  reason: 'Reason',
  outcome: 'Outcome',
  firstLines: (shown, total) => `The first ${shown} of ${total} lines; the downloaded report has all of them.`,
  loadingReport: 'Loading the report…',
  downloadDryRunReport: 'Download the dry-run report',
  outcomes: {
    create: 'New client',
    update: 'Update',
    'skip-duplicate-in-file': 'Skipped: repeated in the file',
    'skip-existing': 'Skipped: already a client',
    refused: 'Refused',
  },
  runStep: '4. Import',
  runHint: 'The import runs in the background; it may be followed here or left to finish.',
  policyLegend: 'Clients already in the base',
  policies: { skip: 'Skip them', 'fill-empty': 'Fill in their empty fields', overwrite: 'Overwrite their fields' },
  policyHints: {
    skip: 'A row whose phone or e-mail is already a client is skipped.',
    'fill-empty': 'Only the fields the client has empty are filled in from the row.',
    overwrite: 'The fields the row has a value for replace the client’s.',
  },
  policyDiffers: (dryRunPolicy) => `The dry run was made with “${dryRunPolicy}”: run it again to see the result of this choice.`,
  consentNeverChanged: 'The consent of a client already in the base is never changed by an import.',
  runImport: 'Run import',
  runAfterDryRun: 'The import can run after a completed dry run of the current columns.',
  importProgress: 'Import progress',
  cancelImport: 'Cancel import',
  cancelling: 'Cancelling…',
  completed: 'The import is completed.',
  cancelled: 'The import was cancelled; the rows imported before stay.',
  failed: 'The import failed.',
  downloadReport: 'Download report',
  downloading: 'Downloading…',
  fileRemoved: 'The uploaded file was removed from the server: upload it again to import it.',
  statuses: {
    uploaded: 'Uploaded',
    'dry-run-running': 'Dry run in progress',
    'dry-run-completed': 'Dry run completed',
    running: 'Import in progress',
    completed: 'Completed',
    cancelled: 'Cancelled',
    failed: 'Failed',
  },
  done: 'Done',
  backToList: 'Back to the list',
  leaveHint: 'A dry run or an import under way goes on after you leave.',
  network: 'The server cannot be reached. Try again.',
  atMost: (megabytes) => `at most ${megabytes} MB`,
  errors: {
    'payload-too-large': 'The file is too large',
    'zip-bomb': 'The file inflates to far more than its size: it is not read',
    'too-many-rows': 'The file has too many rows (at most 200,000)',
    'too-many-columns': 'The file has too many columns (at most 200)',
    'unsupported-type': 'This is not a spreadsheet: choose a csv, xlsx or ods file',
    'unsupported-format': 'The file is not csv, xlsx or ods, or its content does not agree with its extension',
    'unsupported-encoding': 'The csv is neither UTF-8 nor windows-1250',
    'empty-file': 'The file is empty: its first row must name the columns',
    'empty-body': 'The file is empty',
    'corrupt-file': 'The file is damaged and cannot be read',
    'import-in-wrong-state': 'Not possible at this step of the import',
    'import-file-removed': 'The uploaded file was removed: upload it again',
    'import-finished': 'The import has already finished',
    'import-not-found': 'There is no such import',
  },
};

const pl: ImportMessages = {
  title: 'Import klientów z arkusza',
  intro: 'Prześlij plik, sprawdź, która kolumna jest którym polem, obejrzyj próbę (nic nie jest zapisywane), a potem uruchom import.',
  uploadStep: '1. Przesłanie pliku',
  fileLabel: 'Plik arkusza (csv, xlsx lub ods)',
  fileHint: 'Czytany jest pierwszy arkusz; jego pierwszy wiersz nazywa kolumny.',
  upload: 'Prześlij',
  uploading: 'Przesyłanie…',
  chooseFile: 'Najpierw wybierz plik',
  wrongExtension: 'Plik musi mieć rozszerzenie .csv, .xlsx lub .ods',
  uploadedFile: (format, rows) => `Przesłano: ${format}, wiersze klientów: ${rows}.`,
  noRows: 'Plik nie ma wierszy klientów pod wierszem nagłówka.',
  replaceHint: 'Przesłanie innego pliku rozpoczyna nowy import; ten zostaje niedokończony.',
  mappingStep: '2. Kolumny',
  mappingHint: 'Wybierz pole, które wypełnia każda kolumna pliku, albo pomiń kolumnę. Telefon musi być przypisany.',
  columnsTable: 'Kolumny pliku',
  columnLetter: 'Kolumna',
  columnHeader: 'Nagłówek w pliku',
  targetField: 'Pole',
  columnWithoutHeader: (letter) => `Kolumna ${letter}`,
  ignore: '— pomiń —',
  unknownColumns: 'Kolumny, których żadne pole nie czyta (pominięte)',
  noUnknownColumns: 'Każda kolumna pliku nazywa pole.',
  saveMapping: 'Zapisz przypisanie',
  mappingSaved: 'Przypisanie zapisane.',
  mappingUnsaved: 'Przypisanie się zmieniło: zostanie zapisane przed próbą.',
  mappingLocked: 'Przypisania nie można zmienić w trakcie próby lub importu ani po imporcie.',
  dryRun: 'Próba importu',
  dryRunAgain: 'Powtórz próbę',
  phoneRequired: 'Telefon jest obowiązkowy: przypisz kolumnę do pola Telefon',
  fieldTwice: (field) => `„${field}” wybrano dla dwóch kolumn`,
  fields: {
    firstName: 'Imię',
    lastName: 'Nazwisko',
    patronymic: 'Imię odojcowskie',
    phone: 'Telefon',
    secondPhone: 'Drugi telefon',
    email: 'E-mail',
    birthDate: 'Data urodzenia',
    gender: 'Płeć',
    comment: 'Uwagi',
    serviceDiscount: 'Rabat na usługi',
    productDiscount: 'Rabat na produkty',
    notifications: 'Zgoda na powiadomienia',
    remindersBySms: 'Przypomnienia SMS',
    remindersByEmail: 'Przypomnienia e-mail',
    marketingSms: 'SMS marketingowe',
    newsletter: 'Newsletter',
    marketingConsentDocumentRef: 'Dokument zgody marketingowej',
    marketingConsentTextVersion: 'Wersja treści zgody',
  },
  dryRunStep: '3. Próba importu',
  dryRunHint: 'Każdy wiersz jest sprawdzany tak, jak zrobiłby to import; nic nie jest zapisywane.',
  dryRunProgress: 'Postęp próby',
  rowsProgress: (done, total) => `Wiersze: ${done} z ${total}`,
  dryRunWith: (policy) => `Klienci już w bazie: ${policy}.`,
  noDryRunYet: 'Próby jeszcze nie było: sprawdź kolumny i naciśnij „Próba importu”.',
  counts: 'Wynik',
  rowsRead: 'Wiersze',
  created: 'Nowi klienci',
  updated: 'Zaktualizowani',
  skipped: 'Pominięci',
  refused: 'Odrzuceni',
  refusedRows: 'Odrzucone wiersze',
  noRefusedRows: 'Żaden wiersz nie został odrzucony.',
  remarksRows: 'Wiersze zaimportowane z uwagami',
  row: 'Wiersz',
  field: 'Pole',
  reason: 'Powód',
  outcome: 'Wynik',
  firstLines: (shown, total) => `Pierwsze ${shown} z ${total} pozycji; pobrany raport ma wszystkie.`,
  loadingReport: 'Wczytywanie raportu…',
  downloadDryRunReport: 'Pobierz raport próby',
  outcomes: {
    create: 'Nowy klient',
    update: 'Aktualizacja',
    'skip-duplicate-in-file': 'Pominięty: powtórzony w pliku',
    'skip-existing': 'Pominięty: już jest klientem',
    refused: 'Odrzucony',
  },
  runStep: '4. Import',
  runHint: 'Import działa w tle; można go śledzić tutaj albo zostawić do końca.',
  policyLegend: 'Klienci już w bazie',
  policies: { skip: 'Pomiń ich', 'fill-empty': 'Uzupełnij ich puste pola', overwrite: 'Nadpisz ich pola' },
  policyHints: {
    skip: 'Wiersz, którego telefon lub e-mail należy już do klienta, jest pomijany.',
    'fill-empty': 'Z wiersza uzupełniane są tylko pola, które klient ma puste.',
    overwrite: 'Pola, które wiersz ma wypełnione, zastępują pola klienta.',
  },
  policyDiffers: (dryRunPolicy) => `Próbę wykonano z wyborem „${dryRunPolicy}”: powtórz ją, aby zobaczyć wynik tego wyboru.`,
  consentNeverChanged: 'Import nigdy nie zmienia zgód klienta, który już jest w bazie.',
  runImport: 'Uruchom import',
  runAfterDryRun: 'Import można uruchomić po zakończonej próbie z bieżącym przypisaniem kolumn.',
  importProgress: 'Postęp importu',
  cancelImport: 'Anuluj import',
  cancelling: 'Anulowanie…',
  completed: 'Import zakończony.',
  cancelled: 'Import anulowano; wiersze zaimportowane wcześniej pozostają.',
  failed: 'Import się nie powiódł.',
  downloadReport: 'Pobierz raport',
  downloading: 'Pobieranie…',
  fileRemoved: 'Przesłany plik został usunięty z serwera: prześlij go ponownie, aby go zaimportować.',
  statuses: {
    uploaded: 'Przesłany',
    'dry-run-running': 'Trwa próba',
    'dry-run-completed': 'Próba zakończona',
    running: 'Trwa import',
    completed: 'Zakończony',
    cancelled: 'Anulowany',
    failed: 'Nieudany',
  },
  done: 'Gotowe',
  backToList: 'Powrót do listy',
  leaveHint: 'Trwająca próba lub import toczy się dalej po wyjściu.',
  network: 'Brak połączenia z serwerem. Spróbuj ponownie.',
  atMost: (megabytes) => `najwyżej ${megabytes} MB`,
  errors: {
    'payload-too-large': 'Plik jest za duży',
    'zip-bomb': 'Plik rozpakowuje się do wielokrotności swojego rozmiaru: nie jest czytany',
    'too-many-rows': 'Plik ma za dużo wierszy (najwyżej 200 000)',
    'too-many-columns': 'Plik ma za dużo kolumn (najwyżej 200)',
    'unsupported-type': 'To nie jest arkusz: wybierz plik csv, xlsx lub ods',
    'unsupported-format': 'Plik nie jest csv, xlsx ani ods albo jego zawartość nie zgadza się z rozszerzeniem',
    'unsupported-encoding': 'Plik csv nie jest ani w UTF-8, ani w windows-1250',
    'empty-file': 'Plik jest pusty: jego pierwszy wiersz musi nazywać kolumny',
    'empty-body': 'Plik jest pusty',
    'corrupt-file': 'Plik jest uszkodzony i nie da się go odczytać',
    'import-in-wrong-state': 'Niemożliwe na tym etapie importu',
    'import-file-removed': 'Przesłany plik został usunięty: prześlij go ponownie',
    'import-finished': 'Import już się zakończył',
    'import-not-found': 'Nie ma takiego importu',
  },
};

const ru: ImportMessages = {
  title: 'Импорт клиентов из таблицы',
  intro: 'Загрузите файл, проверьте, какой столбец какое поле, посмотрите пробный прогон (ничего не записывается), затем запустите импорт.',
  uploadStep: '1. Загрузка файла',
  fileLabel: 'Файл таблицы (csv, xlsx или ods)',
  fileHint: 'Читается первый лист; его первая строка называет столбцы.',
  upload: 'Загрузить',
  uploading: 'Загрузка…',
  chooseFile: 'Сначала выберите файл',
  wrongExtension: 'Файл должен быть .csv, .xlsx или .ods',
  uploadedFile: (format, rows) => `Загружено: ${format}, строк клиентов: ${rows}.`,
  noRows: 'В файле нет строк клиентов под строкой заголовков.',
  replaceHint: 'Загрузка другого файла начинает новый импорт; этот остаётся незавершённым.',
  mappingStep: '2. Столбцы',
  mappingHint: 'Выберите поле, которое заполняет каждый столбец файла, или пропустите столбец. Телефон обязателен.',
  columnsTable: 'Столбцы файла',
  columnLetter: 'Столбец',
  columnHeader: 'Заголовок в файле',
  targetField: 'Поле',
  columnWithoutHeader: (letter) => `Столбец ${letter}`,
  ignore: '— пропустить —',
  unknownColumns: 'Столбцы, которые не читает ни одно поле (пропущены)',
  noUnknownColumns: 'Каждый столбец файла называет поле.',
  saveMapping: 'Сохранить сопоставление',
  mappingSaved: 'Сопоставление сохранено.',
  mappingUnsaved: 'Сопоставление изменено: оно будет сохранено перед пробным прогоном.',
  mappingLocked: 'Сопоставление нельзя менять во время пробного прогона или импорта и после импорта.',
  dryRun: 'Пробный прогон',
  dryRunAgain: 'Повторить пробный прогон',
  phoneRequired: 'Телефон обязателен: сопоставьте столбец полю «Телефон»',
  fieldTwice: (field) => `«${field}» выбрано для двух столбцов`,
  fields: {
    firstName: 'Имя',
    lastName: 'Фамилия',
    patronymic: 'Отчество',
    phone: 'Телефон',
    secondPhone: 'Второй телефон',
    email: 'Эл. почта',
    birthDate: 'Дата рождения',
    gender: 'Пол',
    comment: 'Комментарий',
    serviceDiscount: 'Скидка на услуги',
    productDiscount: 'Скидка на товары',
    notifications: 'Согласие на уведомления',
    remindersBySms: 'Напоминания по SMS',
    remindersByEmail: 'Напоминания по e-mail',
    marketingSms: 'Маркетинговые SMS',
    newsletter: 'Рассылка',
    marketingConsentDocumentRef: 'Документ согласия на рассылку',
    marketingConsentTextVersion: 'Версия текста согласия',
  },
  dryRunStep: '3. Пробный прогон',
  dryRunHint: 'Каждая строка проверяется так, как это сделал бы импорт; ничего не записывается.',
  dryRunProgress: 'Ход пробного прогона',
  rowsProgress: (done, total) => `Строк: ${done} из ${total}`,
  dryRunWith: (policy) => `Клиенты, уже имеющиеся в базе: ${policy}.`,
  noDryRunYet: 'Пробного прогона ещё не было: проверьте столбцы и нажмите «Пробный прогон».',
  counts: 'Итог',
  rowsRead: 'Строк',
  created: 'Новых клиентов',
  updated: 'Обновлено',
  skipped: 'Пропущено',
  refused: 'Отклонено',
  refusedRows: 'Отклонённые строки',
  noRefusedRows: 'Ни одна строка не отклонена.',
  remarksRows: 'Строки, импортированные с замечаниями',
  row: 'Строка',
  field: 'Поле',
  reason: 'Причина',
  outcome: 'Итог',
  firstLines: (shown, total) => `Первые ${shown} из ${total} записей; в скачанном отчёте есть все.`,
  loadingReport: 'Загрузка отчёта…',
  downloadDryRunReport: 'Скачать отчёт пробного прогона',
  outcomes: {
    create: 'Новый клиент',
    update: 'Обновление',
    'skip-duplicate-in-file': 'Пропущена: повтор в файле',
    'skip-existing': 'Пропущена: уже клиент',
    refused: 'Отклонена',
  },
  runStep: '4. Импорт',
  runHint: 'Импорт идёт в фоне; за ним можно следить здесь или оставить его завершаться.',
  policyLegend: 'Клиенты, уже имеющиеся в базе',
  policies: { skip: 'Пропустить', 'fill-empty': 'Заполнить их пустые поля', overwrite: 'Перезаписать их поля' },
  policyHints: {
    skip: 'Строка, телефон или e-mail которой уже принадлежит клиенту, пропускается.',
    'fill-empty': 'Из строки заполняются только те поля, которые у клиента пусты.',
    overwrite: 'Заполненные поля строки заменяют поля клиента.',
  },
  policyDiffers: (dryRunPolicy) => `Пробный прогон сделан с выбором «${dryRunPolicy}»: повторите его, чтобы увидеть итог этого выбора.`,
  consentNeverChanged: 'Импорт никогда не меняет согласия клиента, который уже есть в базе.',
  runImport: 'Запустить импорт',
  runAfterDryRun: 'Импорт можно запустить после завершённого пробного прогона с текущим сопоставлением столбцов.',
  importProgress: 'Ход импорта',
  cancelImport: 'Отменить импорт',
  cancelling: 'Отмена…',
  completed: 'Импорт завершён.',
  cancelled: 'Импорт отменён; строки, импортированные до отмены, остаются.',
  failed: 'Импорт не удался.',
  downloadReport: 'Скачать отчёт',
  downloading: 'Скачивание…',
  fileRemoved: 'Загруженный файл удалён с сервера: загрузите его снова, чтобы импортировать.',
  statuses: {
    uploaded: 'Загружен',
    'dry-run-running': 'Идёт пробный прогон',
    'dry-run-completed': 'Пробный прогон завершён',
    running: 'Идёт импорт',
    completed: 'Завершён',
    cancelled: 'Отменён',
    failed: 'Не удался',
  },
  done: 'Готово',
  backToList: 'Назад к списку',
  leaveHint: 'Идущий пробный прогон или импорт продолжается и после выхода.',
  network: 'Сервер недоступен. Попробуйте ещё раз.',
  atMost: (megabytes) => `не более ${megabytes} МБ`,
  errors: {
    'payload-too-large': 'Файл слишком большой',
    'zip-bomb': 'Файл распаковывается во много раз больше своего размера: он не читается',
    'too-many-rows': 'В файле слишком много строк (не более 200 000)',
    'too-many-columns': 'В файле слишком много столбцов (не более 200)',
    'unsupported-type': 'Это не таблица: выберите файл csv, xlsx или ods',
    'unsupported-format': 'Файл не csv, xlsx или ods, или его содержимое не совпадает с расширением',
    'unsupported-encoding': 'Файл csv ни в UTF-8, ни в windows-1250',
    'empty-file': 'Файл пуст: его первая строка должна называть столбцы',
    'empty-body': 'Файл пуст',
    'corrupt-file': 'Файл повреждён и не читается',
    'import-in-wrong-state': 'Невозможно на этом шаге импорта',
    'import-file-removed': 'Загруженный файл удалён: загрузите его снова',
    'import-finished': 'Импорт уже завершён',
    'import-not-found': 'Такого импорта нет',
  },
};

export const IMPORT_MESSAGES: Record<Language, ImportMessages> = { pl, ru, en };
