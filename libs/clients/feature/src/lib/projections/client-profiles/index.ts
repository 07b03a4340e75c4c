export * from './client-profile.document';
export * from './client-profile.view';
export * from './client-profiles.projection';
export * from './client-profile.queries';
export { CLIENT_SORTS } from './search-position';
export type { ClientSort } from './search-position';
export * from './consent-summary';
