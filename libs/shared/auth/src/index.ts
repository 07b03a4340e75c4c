export * from './lib/principal';
export * from './lib/token-verifier';
