import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench-out/', 'var/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Plain Node scripts (not type-checked): declare the globals they use.
  { files: ['scripts/**/*.mjs'], languageOptions: { globals: { process: 'readonly', URL: 'readonly' } } },
  // The console runs in the browser.
  { files: ['console/**/*.{ts,tsx}'], languageOptions: { globals: { window: 'readonly', document: 'readonly', fetch: 'readonly', AbortSignal: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } } },
  {
    rules: {
      // Tests and HTTP bodies handle untyped JSON on purpose.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
);
