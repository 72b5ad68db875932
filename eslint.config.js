import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'build/',
      'node_modules/',
      'k6-bundles/',
      // infra/k8s/base/k6-bundles/mix.js: the copy kustomize reads (infra/k8s/generated.ts).
      'infra/k8s/base/k6-bundles/',
      'results/',
      'coverage/',
      'test/fixtures/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Node runtime: lib/ is k6 code (k6 APIs, bundled by esbuild); the only
    // file of it Node code may import is the catalogue, which imports nothing.
    files: ['{cli,engine,slo,report,infra,bench,core,run-dir}/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\.?/)+lib/(?!catalogue\\.ts$)',
              message: 'Node code may import lib/catalogue.ts only: the rest of lib/ runs in k6',
            },
          ],
        },
      ],
    },
  },
  {
    // k6 runtime: no Node built-ins, ever (see DESIGN.md, runtime boundary).
    files: ['scenarios/**', 'lib/**'],
    languageOptions: {
      globals: { __ENV: 'readonly', __VU: 'readonly', __ITER: 'readonly', open: 'readonly' },
    },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            'fs',
            'path',
            'http',
            'https',
            'axios',
            {
              name: 'zod',
              message: 'use zod/mini in the k6 runtime (full zod needs BigInt and is 470 KB)',
            },
          ],
          patterns: ['node:*'],
        },
      ],
    },
  },
);
