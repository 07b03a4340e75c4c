export * from './lib/visit';
