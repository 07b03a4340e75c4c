export * from './visit-statistics';
export * from './client-visit-statistics.projection';
