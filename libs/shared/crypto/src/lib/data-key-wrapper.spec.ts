import { randomBytes } from 'node:crypto';
import { DataKeyUnwrapError, DataKeyWrapper } from './data-key-wrapper';

describe('DataKeyWrapper', () => {
  const masterKey = randomBytes(32);
  const dataKey = randomBytes(32);

  it('unwraps what it wrapped, and the wrapped form does not contain the key', () => {
    const wrapper = new DataKeyWrapper(masterKey);
    const wrapped = wrapper.wrap('tenant-a', 'client-1', dataKey);
    expect(Buffer.concat([wrapped.iv, wrapped.tag, wrapped.data]).includes(dataKey)).toBe(false);
    expect(wrapper.unwrap('tenant-a', 'client-1', wrapped)).toEqual(dataKey);
  });

  it('fails clearly with another master key, naming MASTER_KEY', () => {
    const wrapped = new DataKeyWrapper(masterKey).wrap('tenant-a', 'client-1', dataKey);
    const otherWrapper = new DataKeyWrapper(randomBytes(32));
    expect(() => otherWrapper.unwrap('tenant-a', 'client-1', wrapped)).toThrow(DataKeyUnwrapError);
    expect(() => otherWrapper.unwrap('tenant-a', 'client-1', wrapped)).toThrow(/MASTER_KEY is not the master key that wrapped it/);
  });

  it('refuses a wrapped key copied onto another subject or tenant', () => {
    const wrapper = new DataKeyWrapper(masterKey);
    const wrapped = wrapper.wrap('tenant-a', 'client-1', dataKey);
    expect(() => wrapper.unwrap('tenant-a', 'client-2', wrapped)).toThrow(DataKeyUnwrapError);
    expect(() => wrapper.unwrap('tenant-b', 'client-1', wrapped)).toThrow(DataKeyUnwrapError);
  });

  it('refuses a truncated authentication tag', () => {
    const wrapper = new DataKeyWrapper(masterKey);
    const wrapped = wrapper.wrap('tenant-a', 'client-1', dataKey);
    expect(() => wrapper.unwrap('tenant-a', 'client-1', { ...wrapped, tag: wrapped.tag.subarray(0, 4) })).toThrow(DataKeyUnwrapError);
  });
});
