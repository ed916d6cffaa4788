/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  // `cookie` (pulled in by light-my-request) ships ESM only; Jest on Node 20 must transpile it.
  transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
  setupFiles: ['<rootDir>/test/helpers/block-network.ts'],
  testTimeout: 60000,
};
