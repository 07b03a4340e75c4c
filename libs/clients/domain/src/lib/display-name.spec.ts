import { archivedDisplayName, displayNameOf } from './display-name';

describe('displayNameOf', () => {
  it('is "Client" when the client has no name at all', () => {
    expect(displayNameOf({})).toBe('Client');
    expect(displayNameOf({ firstName: '  ', lastName: null, patronymic: undefined })).toBe('Client');
  });

  it('puts first name, patronymic and last name together', () => {
    expect(displayNameOf({ firstName: 'Иван', patronymic: 'Сергеевич', lastName: 'Петров' })).toBe('Иван Сергеевич Петров');
    expect(displayNameOf({ firstName: 'Anna', lastName: 'Kowalska' })).toBe('Anna Kowalska');
  });

  it('uses whatever part of the name there is', () => {
    expect(displayNameOf({ lastName: 'Nowak' })).toBe('Nowak');
    expect(displayNameOf({ firstName: 'Ольга' })).toBe('Ольга');
  });
});

describe('archivedDisplayName', () => {
  it('numbers erased clients', () => {
    expect(archivedDisplayName(1)).toBe('Archived client 1');
    expect(archivedDisplayName(42)).toBe('Archived client 42');
  });
});
