export * from './lib/principal';
export * from './lib/token-verifier';
export * from './lib/service-token';
