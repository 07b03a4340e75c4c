export * from './card-visit-totals';
export * from './client-visit-ledger.projection';
