/**
 * One jest configuration covers every workspace: each project is a workspace
 * (or test/, the live suites), so `npm test` at the root runs every suite.
 * @type {import('jest').Config}
 */
const path = require('node:path');

const project = (name, extra = {}) => ({
  displayName: name,
  rootDir: path.join(__dirname, name),
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, name, 'tsconfig.json'), isolatedModules: true }],
  },
  testMatch: ['<rootDir>/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  ...extra,
});

module.exports = {
  projects: [
    project('topology'),
    project('chaincode'),
    project('ca', { testTimeout: 120000 }),
    project('network', { testTimeout: 120000 }),
    project('gateway-client', { testTimeout: 60000 }),
    // Live suites share one Fabric network; the test script runs them in band.
    project('test', { testTimeout: 600000 }),
  ],
};
