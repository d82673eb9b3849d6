// @ts-check
// ESLint as `nest new` sets it up (typescript-eslint, type-aware rules), except that formatting is
// Prettier's alone: `npm run format:check` rather than eslint-plugin-prettier, so lint does not
// fail on layout and the code base can be reformatted in one separate step.
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // docs/examples is compiled with the docs' code blocks against the built package (test/unit/docs/snippets.test.ts).
  { ignores: ['dist/', 'node_modules/', '.kafka/', '.node/', 'bench/results/', 'docs/examples/'] },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      sourceType: 'module',
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's test()/describe()/it() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', name: ['test', 'it', 'describe', 'suite'], package: 'node:test' }] },
      ],
      // `_name` marks a parameter kept for its position and a property dropped from a rest copy.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Caught errors are passed on as they came (`unknown`); wrapping them would lose their identity.
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingUnknown: true }],
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // `async` without `await` is deliberate: it implements Promise-returning interfaces (transports,
      // handlers, fakes) and turns a synchronous throw into a rejection.
      '@typescript-eslint/require-await': 'off',
      // Indexed reads are written `list[i]!` as noUncheckedIndexedAccess would require: the `!` says
      // "present here" to the reader. Without that flag the rule calls each one unnecessary (115).
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    // Tests pass method references to metadata readers and spies without calling them.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  {
    // Plain JavaScript (the config, the pre-build launcher): no type information.
    files: ['**/*.mjs', '**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
