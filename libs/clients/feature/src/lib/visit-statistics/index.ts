export * from './visit-statistics';
export * from './client-visit-ledger.projection';
