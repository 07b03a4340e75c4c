// One Jest run for the whole workspace: unit specs (*.spec.ts) and tests against the real
// local servers (*.int-spec.ts). TypeScript is compiled by SWC with decorator metadata (NestJS
// needs it); workspace import aliases come from tsconfig.base.json so there is one source of truth.
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools'],
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts'],
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper,
  // Decorator metadata (Nest DI, class-transformer conversions) needs the Reflect polyfill first.
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/libs/shared/testing/src/global-setup.js',
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/tools/jest/summary-reporter.js'],
  // Two cores on the CI machines; the integration suites share one broker and one Mongo server.
  maxWorkers: 2,
};
