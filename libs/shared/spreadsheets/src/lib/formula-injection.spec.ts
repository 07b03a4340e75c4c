import { neutraliseFormula, restoreNeutralisedFormula } from './formula-injection';

describe('formula injection', () => {
  it.each(['=1+1', '+48 600', '-2', '@SUM(A1)', '\tx', '\rx'])('neutralises %j with a leading apostrophe and restores it', (text) => {
    expect(neutraliseFormula(text)).toBe(`'${text}`);
    expect(restoreNeutralisedFormula(neutraliseFormula(text))).toBe(text);
  });

  it.each(['Anna', "'quoted", '', '600 100 200'])('leaves %j as it is', (text) => {
    expect(neutraliseFormula(text)).toBe(text);
    expect(restoreNeutralisedFormula(text)).toBe(text);
  });
});
