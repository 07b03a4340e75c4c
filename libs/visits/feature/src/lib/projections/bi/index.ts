export * from './bi.documents';
export * from './visit-facts';
export * from './daily-statistics';
export * from './visit-statistics.projection';
