import { IsNumber, validate } from 'class-validator';
import { MaxDecimalPlaces, decimalPlaces, hasAtMostDecimalPlaces } from './numbers';

describe('decimalPlaces', () => {
  it.each([
    [0, 0],
    [-0, 0],
    [40, 0],
    [12.5, 1],
    [0.29, 2],
    [-10.05, 2],
    [0.001, 3],
    [5e-324, 324],
    [1.5e-7, 8],
    [1e-7, 7],
    [1e21, 0],
    [1.2345e21, 0],
    [Number.MAX_VALUE, 0],
    [Number.MAX_SAFE_INTEGER, 0],
  ])('%p has %p', (value, places) => {
    expect(decimalPlaces(value)).toBe(places);
  });
});

describe('hasAtMostDecimalPlaces', () => {
  it('refuses what is not a finite number', () => {
    for (const value of [NaN, Infinity, -Infinity, '1.5', null, undefined, {}, [1]]) {
      expect(hasAtMostDecimalPlaces(value, 2)).toBe(false);
    }
  });

  it('takes two decimals and refuses a third, however the number is written', () => {
    expect(hasAtMostDecimalPlaces(45.5, 2)).toBe(true);
    expect(hasAtMostDecimalPlaces(0.01, 2)).toBe(true);
    expect(hasAtMostDecimalPlaces(0.015, 2)).toBe(false);
    expect(hasAtMostDecimalPlaces(5e-324, 2)).toBe(false);
    expect(hasAtMostDecimalPlaces(1e308, 2)).toBe(true);
  });
});

describe('@MaxDecimalPlaces', () => {
  class Payment {
    @IsNumber({ allowNaN: false, allowInfinity: false })
    @MaxDecimalPlaces(2)
    amount!: number;
  }

  const errorsFor = async (amount: unknown) => {
    const payment = Object.assign(new Payment(), { amount });
    return (await validate(payment)).flatMap((error) => Object.values(error.constraints ?? {}));
  };

  it('answers a validation error, never a crash, for a denormal number', async () => {
    await expect(errorsFor(5e-324)).resolves.toEqual(['must have at most 2 decimal places']);
  });

  it('accepts an amount with two decimals', async () => {
    await expect(errorsFor(19.99)).resolves.toEqual([]);
  });
});
