import { searchKey, searchKeys } from './search-key';

describe('searchKey', () => {
  it.each([
    ['Łucja Żółć', 'lucja zolc'],
    ['ŁUKASZ', 'lukasz'],
    ['Éva  Kovács ', 'eva kovacs'],
    ['Strzyżenie damskie', 'strzyzenie damskie'],
    ['Coloração', 'coloracao'],
    ['Мария', 'мария'],
  ])('normalises "%s" to "%s"', (input, expected) => {
    expect(searchKey(input)).toBe(expected);
  });

  it('gives distinct sorted non-empty keys', () => {
    expect(searchKeys(['Marek', 'Łucja', 'marek', ' '])).toEqual(['lucja', 'marek']);
  });
});
