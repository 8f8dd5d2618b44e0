import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import urna from './scripts/eslint/plugin.mjs';

// Which folder may import which is checked by scripts/check-layers.ts (run by `npm run lint`), not here.

export default tseslint.config(
  { ignores: ['dist/', 'release/', 'node_modules/', 'artifacts/', 'build/', 'test/fixtures/', 'bin/', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
      globals: { ...globals.node },
    },
    plugins: { urna },
    rules: {
      'urna/no-floating-results': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      'no-restricted-properties': [
        'error',
        {
          object: 'child_process',
          property: 'exec',
          message: 'No shell-interpreted exec: use execFile/spawn with an argument list.',
        },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser },
      globals: { ...globals.browser },
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.svelte'],
    languageOptions: { globals: { ...globals.browser } },
  },
  { files: ['test/**/*.ts'], rules: { 'urna/no-fixed-sleep': 'error' } },
  {
    files: ['*.js', '*.mjs', 'scripts/**/*.mjs', 'test/support/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
