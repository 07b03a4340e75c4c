import { clientBaseExportFileName, clientBaseExportsStream, filterKindsOf } from './client-base-export';

describe('the client base export', () => {
  it('names the filter kinds given, never their values, in catalogue order', () => {
    expect(filterKindsOf({ phone: '601 234 567', name: 'Nowak', hasEmail: false })).toEqual(['name', 'phone', 'hasEmail']);
  });

  it('leaves out filters that are absent or blank', () => {
    expect(filterKindsOf({ name: '  ', email: undefined, createdFrom: '2020-01-01T00:00:00Z' })).toEqual(['createdFrom']);
    expect(filterKindsOf({})).toEqual([]);
  });

  it('names the file by the time of the export (UTC) and its format only', () => {
    expect(clientBaseExportFileName(new Date('2020-03-04T05:06:07.890Z'), 'xlsx')).toBe('clients-20200304-0506.xlsx');
    expect(clientBaseExportFileName(new Date('2020-12-31T23:59:59.999Z'), 'csv')).toBe('clients-20201231-2359.csv');
  });

  it('audits on one stream per chain, named by the tenant id only', () => {
    expect(clientBaseExportsStream('chain-7')).toBe('clientBaseExports-chain-7');
  });
});
