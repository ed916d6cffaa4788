import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Domain code (src/modules/<capability>/domain) is pure: ports, types and use cases. It may import its own
 * domain files, another module's domain, and the shared pieces free of I/O; never an adapter, a transport, a
 * module's wiring, the platform, or a framework or SDK.
 */
const DOMAIN_BOUNDARY = [
  'error',
  {
    patterns: [
      {
        group: [
          '@prisma/*',
          'fastify',
          'fastify-*',
          '@fastify/*',
          '@slack/*',
          'bullmq',
          'ioredis',
          'pg',
          'googleapis',
          '@googleapis/*',
          'google-auth-library',
          'undici',
          'pino',
          'prom-client',
          'rate-limiter-flexible',
        ],
        message: 'Domain code takes side effects as ports; adapters and transports import the SDK.',
      },
      {
        regex: '^\\.\\./(?!\\.\\./)',
        message:
          "Domain code may not import its module's adapters, transports or wiring; declare a port instead.",
      },
      {
        regex: '^\\.\\./\\.\\./[^./][^/]*(/(?!domain/).*)?$',
        message: "Only another module's domain (its ports and types) may be imported from domain code.",
      },
      {
        regex: '^\\.\\./\\.\\./\\.\\./(?!shared/(errors|clock|crypto|google-scopes|google-failure)$)',
        message:
          'From outside the modules, domain code may import only shared/errors, clock, crypto, google-scopes, google-failure.',
      },
      {
        regex: 'generated/prisma',
        message: 'Domain code never sees Prisma types.',
      },
    ],
  },
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
    rules: { 'no-restricted-imports': DOMAIN_BOUNDARY, '@typescript-eslint/no-restricted-imports': 'off' },
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
