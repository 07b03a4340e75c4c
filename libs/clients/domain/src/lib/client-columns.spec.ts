import { Percentage } from '@salon/shared/spreadsheets';
import {
  CLIENT_COLUMNS,
  EXPORT_LANGUAGES,
  columnOfHeader,
  exportHeaders,
  mapHeaders,
  mappingProblems,
  readDateCell,
  readGenderCell,
  readPercentCell,
  readPhoneCell,
  readTextCell,
  readYesNoCell,
} from './client-columns';

describe('the client column catalog', () => {
  it('recognises the Polish, Russian and English headers of the issue', () => {
    const expected: Record<string, string> = {
      'Imię': 'firstName',
      'Имя': 'firstName',
      'First name': 'firstName',
      'Nazwisko': 'lastName',
      'Фамилия': 'lastName',
      'Surname': 'lastName',
      'Отчество': 'patronymic',
      'Telefon': 'phone',
      'Telefon komórkowy': 'phone',
      'Телефон': 'phone',
      'Mobile': 'phone',
      'E-mail': 'email',
      'Email': 'email',
      'Эл. почта': 'email',
      'Data urodzenia': 'birthDate',
      'Дата рождения': 'birthDate',
      'Birthday': 'birthDate',
      'Płeć': 'gender',
      'Пол': 'gender',
      'Uwagi': 'comment',
      'Komentarz': 'comment',
      'Комментарий': 'comment',
      'Notes': 'comment',
      'Rabat na usługi': 'serviceDiscount',
      'Скидка на услуги': 'serviceDiscount',
      'Rabat na produkty': 'productDiscount',
      'Скидка на товары': 'productDiscount',
    };
    for (const [header, field] of Object.entries(expected)) expect([header, columnOfHeader(header)]).toEqual([header, field]);
  });

  it('matches without case, accents or extra whitespace', () => {
    expect(columnOfHeader('  PLEC ')).toBe('gender');
    expect(columnOfHeader('imie')).toBe('firstName');
    expect(columnOfHeader('data   URODZENIA')).toBe('birthDate');
    expect(columnOfHeader('e mail')).toBe('email');
    expect(columnOfHeader('ФАМИЛИЯ')).toBe('lastName');
  });

  it('reads back every header it exports, in every language (the round trip)', () => {
    for (const language of EXPORT_LANGUAGES) {
      const { mapping, unknown } = mapHeaders(exportHeaders(language));
      expect(unknown).toEqual([]);
      expect(mapping.map((assignment) => assignment.field)).toEqual(CLIENT_COLUMNS.map((entry) => entry.key));
    }
  });

  it('reports unknown columns and a field named twice, and skips empty headers', () => {
    expect(mapHeaders(['Telefon', null, 'Ulubiony kolor', 'Tel', 'Телефон', 'Imię'])).toEqual({
      mapping: [
        { column: 0, field: 'phone' },
        { column: 5, field: 'firstName' },
      ],
      unknown: [
        { column: 2, header: 'Ulubiony kolor' },
        { column: 3, header: 'Tel' },
        { column: 4, header: 'Телефон' },
      ],
    });
  });
});

describe('mappingProblems', () => {
  it('accepts a mapping with the phone', () => {
    expect(mappingProblems([{ column: 0, field: 'phone' }, { column: 2, field: 'email' }], 3)).toEqual([]);
  });

  it('names an unknown field, a field twice, a column twice, a column outside the file and a missing phone', () => {
    expect(
      mappingProblems(
        [
          { column: 0, field: 'email' },
          { column: 1, field: 'email' },
          { column: 1, field: 'favouriteColour' },
          { column: 7, field: 'comment' },
        ],
        3,
      ),
    ).toEqual([
      { field: 'mapping[1].field', reason: 'The field email is mapped from two columns' },
      { field: 'mapping[2].column', reason: 'Column 1 is mapped twice' },
      { field: 'mapping[2].field', reason: expect.stringContaining('A field is one of firstName') },
      { field: 'mapping[3].column', reason: 'A column is a number from 0 to 2' },
      { field: 'mapping', reason: 'The phone is mandatory: map a column to phone' },
    ]);
  });
});

describe('reading cells', () => {
  it('reads dates from date cells, ISO text, DD.MM.YYYY and DD/MM/YYYY', () => {
    expect(readDateCell(new Date(Date.UTC(1990, 3, 12)))).toEqual({ ok: true, value: '1990-04-12' });
    expect(readDateCell('1990-04-12')).toEqual({ ok: true, value: '1990-04-12' });
    expect(readDateCell('12.04.1990')).toEqual({ ok: true, value: '1990-04-12' });
    expect(readDateCell('2/4/1990')).toEqual({ ok: true, value: '1990-04-02' });
    expect(readDateCell('')).toEqual({ ok: true, value: undefined });
    expect(readDateCell('April 12th')).toEqual({ ok: false, reason: expect.stringContaining('DD.MM.YYYY') });
    expect(readDateCell(33000)).toEqual({ ok: false, reason: expect.stringContaining('date cell') });
  });

  it('reads yes/no in three languages, as booleans and as 1/0', () => {
    for (const yes of ['tak', 'TAK', 'да', 'yes', '1', 'true', 1, true]) expect(readYesNoCell(yes)).toEqual({ ok: true, value: true });
    for (const no of ['nie', 'нет', 'No', '0', 'false', 0, false]) expect(readYesNoCell(no)).toEqual({ ok: true, value: false });
    expect(readYesNoCell(null)).toEqual({ ok: true, value: undefined });
    expect(readYesNoCell('maybe')).toEqual({ ok: false, reason: expect.stringContaining('tak/nie') });
  });

  it('reads the gender synonyms', () => {
    for (const female of ['K', 'kobieta', 'ж', 'Женский', 'female']) expect(readGenderCell(female)).toEqual({ ok: true, value: 'female' });
    for (const male of ['M', 'mężczyzna', 'м', 'мужской', 'male']) expect(readGenderCell(male)).toEqual({ ok: true, value: 'male' });
    expect(readGenderCell('?')).toEqual({ ok: false, reason: expect.stringContaining('K/M') });
  });

  it('reads discounts as numbers or text with a decimal comma or a percent sign', () => {
    expect(readPercentCell(10)).toEqual({ ok: true, value: 10 });
    expect(readPercentCell('12,5 %')).toEqual({ ok: true, value: 12.5 });
    expect(readPercentCell('ten')).toEqual({ ok: false, reason: 'A discount is a number of percent' });
    // A cell formatted as a percentage stores 10 % as 0.1: the user means 10. A plain number is percent as written.
    expect(readPercentCell(new Percentage(0.1))).toEqual({ ok: true, value: 10 });
    expect(readPercentCell(new Percentage(0.075))).toEqual({ ok: true, value: 7.5 });
    expect(readPercentCell(0.1)).toEqual({ ok: true, value: 0.1 });
    expect(readPercentCell('10%')).toEqual({ ok: true, value: 10 });
    expect(readTextCell(new Percentage(0.15))).toEqual({ ok: true, value: '15%' });
    expect(readPhoneCell(new Percentage(0.15))).toMatchObject({ ok: false });
    expect(readYesNoCell(new Percentage(1))).toMatchObject({ ok: false });
    expect(readDateCell(new Percentage(0.5))).toMatchObject({ ok: false });
  });

  it('gives a phone the spreadsheet took for a number back as its digits', () => {
    expect(readPhoneCell(48601234567)).toEqual({ ok: true, value: '48601234567' });
    expect(readPhoneCell(' +48 601 234 567 ')).toEqual({ ok: true, value: '+48 601 234 567' });
    expect(readPhoneCell(true)).toEqual({ ok: false, reason: 'A phone number is text or digits' });
    expect(readTextCell('   ')).toEqual({ ok: true, value: undefined });
  });

  it('reads text our export neutralised (a leading apostrophe before = + - @) as it was, and keeps any other apostrophe', () => {
    expect(readPhoneCell("'+48601234567")).toEqual({ ok: true, value: '+48601234567' });
    expect(readTextCell("'=HYPERLINK(\"http://example.com\")")).toEqual({ ok: true, value: '=HYPERLINK("http://example.com")' });
    expect(readTextCell("'Ola")).toEqual({ ok: true, value: "'Ola" });
  });
});
