// Lint configuration. Besides style, it enforces the layering of STYLE.md:
// the engine and chart builders are pure (no Svelte, IndexedDB, UI or worker
// imports), and nothing below the UI imports from it.
import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const pureLayer = {
  patterns: [
    { group: ['svelte', 'svelte/*'], message: 'The engine is pure: no Svelte.' },
    {
      group: ['idb', 'fake-indexeddb'],
      message: 'The engine is pure: storage lives in src/lib/storage.',
    },
    {
      group: ['**/ui/**', '**/state/**', '**/storage/**', '**/workers/**'],
      message: 'Lower layers may not import higher ones.',
    },
  ],
};

// The notebook document and the cell kinds' declarations sit above the
// engine: they may name the worker contract's types (a kind declares the job
// it runs) and storage's plain data shapes, but nothing that runs in those layers.
const declarationLayer = {
  patterns: [
    ...pureLayer.patterns.slice(0, 2),
    {
      group: [
        '**/ui/**',
        '**/state/**',
        '**/storage/**',
        '!**/storage/types',
        '**/workers/**',
        '!**/workers/protocol',
      ],
      message: 'Lower layers may not import higher ones.',
    },
  ],
};

export default ts.config(
  { ignores: ['dist', 'bench/dist', 'node_modules', 'test-results', 'playwright-report'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    // State classes declare their reactive fields explicitly with $state; the
    // Sets, Dates and URLs they build inside methods are throwaway values.
    files: ['src/lib/state/**/*.svelte.ts'],
    rules: { 'svelte/prefer-svelte-reactivity': 'off' },
  },
  {
    files: ['src/lib/engine/**', 'src/lib/charts/**', 'src/lib/i18n/**'],
    rules: { 'no-restricted-imports': ['error', pureLayer] },
  },
  {
    // A kind's folder also holds its Svelte component; only the .ts files are pure.
    files: ['src/lib/notebook/**', 'src/lib/cells/**/*.ts'],
    ignores: ['src/lib/cells/components.ts'],
    rules: { 'no-restricted-imports': ['error', declarationLayer] },
  },
  {
    files: ['src/lib/engine/**'],
    rules: {
      'no-restricted-globals': [
        'error',
        'document',
        'window',
        'indexedDB',
        'localStorage',
        'postMessage',
      ],
    },
  },
);
