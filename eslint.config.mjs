import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Domain code (src/modules/<capability>/domain) is pure: ports, types and use cases. It may import its own
 * domain files (`./x`), another module's domain (`../../<module>/domain/x`), the shared pieces free of I/O, Node's
 * built-ins and zod; never an adapter, a transport, a module's wiring, the platform, or a framework or SDK.
 * Written as allow-lists over the specifier's text, so `./../x`, `..`, `a/domain/../b` or an absolute path cannot
 * slip through; dynamic `import()`, `import('…')` types and `require` are refused outright in domain code.
 */
const SHARED_FOR_DOMAIN = ['errors', 'clock', 'crypto', 'google-scopes', 'google-failure'];
const DOMAIN_BOUNDARY = [
  'error',
  {
    patterns: [
      {
        regex: '^(?!node:|zod$)[^./]',
        message:
          'Domain code imports no package but zod and node: built-ins; side effects come in as ports (adapters import the SDK).',
      },
      {
        regex: `^(?!\\./[\\w-]+$|\\.\\./\\.\\./[\\w-]+/domain/[\\w-]+$|\\.\\./\\.\\./\\.\\./shared/(${SHARED_FOR_DOMAIN.join('|')})$)[./]`,
        message: `Domain code imports only its own domain (./x), another module's domain (../../<module>/domain/x) and shared/{${SHARED_FOR_DOMAIN.join(',')}}; declare a port for anything else.`,
      },
    ],
  },
];
const DOMAIN_NO_LOADING = [
  'error',
  { selector: 'ImportExpression', message: 'Domain code does not load modules at run time.' },
  {
    selector: 'TSImportType',
    message: "Domain code names types through imports its boundary allows, not import('…').",
  },
  { selector: "CallExpression[callee.name='require']", message: 'Domain code does not require modules.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'src/generated/**', 'coverage/**', 'test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/modules/*/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': DOMAIN_BOUNDARY,
      'no-restricted-syntax': DOMAIN_NO_LOADING,
      '@typescript-eslint/no-restricted-imports': 'off',
    },
  },
  {
    // The emulators are packages of their own, usable without the service.
    files: ['packages/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./){3,}(src|test)(/|$)',
              message: 'Emulators never import the service or its tests.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**', 'scripts/**', 'bench/**', 'src/cli/**', '*.js', '*.mjs'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: { globals: { module: 'writable', require: 'readonly' } },
  },
);
