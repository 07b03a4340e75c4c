import { VisitMessages, line } from '../client-visits/test/visit-messages';
import { apportion, factLines } from './visit-facts';

describe('apportion', () => {
  it.each([
    [1000, [100, 300], [250, 750]],
    [100, [1, 1, 1], [34, 33, 33]],
    [1, [5000, 5000], [1, 0]],
    [0, [10, 20], [0, 0]],
    [500, [0, 0], [500, 0]],
    [7, [], []],
  ])('splits %d over %j as %j, summing exactly', (amount, weights, expected) => {
    const parts = apportion(amount, weights);
    expect(parts).toEqual(expected);
    if (weights.length > 0) expect(parts.reduce((a, b) => a + b, 0)).toBe(amount);
  });
});

describe('factLines', () => {
  it('apportions the discount and the paid amount pro rata to line prices, to the cent', () => {
    const visit = new VisitMessages({
      number: 1,
      startsAt: '2025-11-05T10:00:00.000Z',
      services: [line('a', 'A', 100, 'x', 'X'), line('b', 'B', 50, 'y', 'Y'), line('c', 'C', 50.01, 'x', 'X')],
      discount: 10,
    });
    visit.booked();
    visit.paid(100);
    const lines = factLines(visit.snapshot);
    expect(lines.map((l) => [l.price, l.discount, l.net, l.paid])).toEqual([
      [100, 5, 95, 50],
      [50, 2.5, 47.5, 25],
      [50.01, 2.5, 47.51, 25],
    ]);
    const cents = (values: number[]) => Math.round(values.reduce((a, b) => a + b, 0) * 100);
    expect(cents(lines.map((l) => l.net))).toBe(Math.round(visit.snapshot.amounts.total * 100));
    expect(cents(lines.map((l) => l.paid))).toBe(10000);
  });
});
