import nx from '@nx/eslint-plugin';

/**
 * Module boundaries run on two axes (see README "Architecture"):
 *  - scope:<context> — a bounded context may use itself, shared code and the public contracts,
 *    never another context's internals (contexts talk over Kafka, not imports);
 *  - type:<kind>     — domain code stays pure (no Nest, no I/O), apps stay thin.
 */
const scopes = ['clients', 'visits', 'media', 'consent'];

function depConstraints({ inTests }) {
  // Tests (and only tests) may additionally use the shared testing helpers of any layer.
  const withTesting = (tags) => (inTests ? [...tags, 'type:testing'] : tags);
  return [
    // Shared infrastructure implements the public Kafka contract (topics, headers); the
    // contract itself depends on nothing, so any team can read it on its own.
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared', 'scope:contracts'] },
    { sourceTag: 'scope:contracts', onlyDependOnLibsWithTags: ['scope:contracts'] },
    ...scopes.map((scope) => ({
      sourceTag: `scope:${scope}`,
      onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared', 'scope:contracts'],
    })),
    { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['*'] },
    // Domain code may read the contract (types and constants, dependency-free): what two contexts
    // agree on, such as the initial consent choices, is defined there once.
    { sourceTag: 'type:domain', onlyDependOnLibsWithTags: withTesting(['type:domain', 'type:util', 'type:contracts']) },
    { sourceTag: 'type:util', onlyDependOnLibsWithTags: withTesting(['type:util']) },
    { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: withTesting(['type:contracts', 'type:util']) },
    {
      sourceTag: 'type:data-access',
      onlyDependOnLibsWithTags: withTesting(['type:data-access', 'type:domain', 'type:contracts', 'type:util']),
    },
    {
      sourceTag: 'type:feature',
      onlyDependOnLibsWithTags: withTesting(['type:feature', 'type:domain', 'type:data-access', 'type:contracts', 'type:util']),
    },
    { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:testing', 'type:data-access', 'type:domain', 'type:contracts', 'type:util'] },
    {
      sourceTag: 'type:app',
      onlyDependOnLibsWithTags: withTesting(['type:feature', 'type:data-access', 'type:domain', 'type:contracts', 'type:util']),
    },
  ];
}

const boundaries = (inTests) => [
  'error',
  { enforceBuildableLibDependency: false, allow: [], depConstraints: depConstraints({ inTests }) },
];

const testFiles = ['**/*.spec.ts', '**/*.int-spec.ts', '**/test/**/*.ts'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '.local', '.nx', 'tmp', 'coverage'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(false),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Explicit types on decorated properties emit the design:type metadata that
      // class-transformer and Nest rely on (`PORT: number = 3001`); they are not noise.
      '@typescript-eslint/no-inferrable-types': 'off',
      'no-restricted-syntax': [
        'error',
        {
          // It crashes on 5e-324 (a 500 instead of a 400); @MaxDecimalPlaces of @salon/shared/nest replaces it.
          selector: "Property[key.name='maxDecimalPlaces']",
          message: "class-validator's maxDecimalPlaces crashes on numbers like 5e-324: use @MaxDecimalPlaces(n) from @salon/shared/nest",
        },
      ],
    },
  },
  { files: testFiles, rules: { '@nx/enforce-module-boundaries': boundaries(true) } },
];
