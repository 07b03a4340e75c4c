import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { FindVisitByNumberRequest, ListClientVisitsRequest } from './list-client-visits.request.dto';

describe('ListClientVisitsRequest', () => {
  const parse = (query: Record<string, unknown>) => {
    const request = plainToInstance(ListClientVisitsRequest, query);
    return { request, errors: validateSync(request).map((error) => error.property) };
  };

  it('reads statuses repeated or comma-separated, and the limit as a number', () => {
    expect(parse({ status: ['completed', 'no-show'], limit: '5' })).toEqual({ request: expect.objectContaining({ status: ['completed', 'no-show'], limit: 5 }), errors: [] });
    expect(parse({ status: 'completed,cancelled' }).request.status).toEqual(['completed', 'cancelled']);
  });

  it.each([
    [{ status: 'done' }, 'status'],
    [{ from: '1.11.2025' }, 'from'],
    [{ sort: 'name' }, 'sort'],
    [{ limit: '0' }, 'limit'],
    [{ q: '' }, 'q'],
  ])('refuses %j', (query, field) => {
    expect(parse(query).errors).toEqual([field]);
  });
});

describe('FindVisitByNumberRequest', () => {
  it('needs a positive whole number', () => {
    expect(validateSync(plainToInstance(FindVisitByNumberRequest, { number: '42' }))).toEqual([]);
    expect(validateSync(plainToInstance(FindVisitByNumberRequest, { number: 'x' })).map((e) => e.property)).toEqual(['number']);
    expect(validateSync(plainToInstance(FindVisitByNumberRequest, {})).map((e) => e.property)).toEqual(['number']);
  });
});
