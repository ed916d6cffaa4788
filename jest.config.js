/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/packages'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  // `cookie` (pulled in by light-my-request) and `jose` ship ESM only; Jest on Node 20 must transpile them.
  transformIgnorePatterns: ['/node_modules/(?!(cookie|jose)/)'],
  // The emulators' own tests run under the same loopback-only network guard.
  setupFiles: ['<rootDir>/test/helpers/block-network.ts'],
  testTimeout: 60000,
};
