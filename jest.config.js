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
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, name, 'tsconfig.json') }],
  },
  testMatch: ['<rootDir>/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // Workspaces import each other by package name; tests use their sources, never a stale dist/.
  moduleNameMapper: {
    '^@fabpay/(model|topology|ca|network|gateway-client)$': path.join(__dirname, '$1', 'src'),
    '^@fabpay/chaincode/dist/(.*)$': path.join(__dirname, 'chaincode', 'src', '$1'),
  },
  ...extra,
});

module.exports = {
  // Suites that drive real Fabric processes need minutes, not jest's default 5 s.
  testTimeout: 180000,
  // Live suites share one network and some stop, kill or restart its nodes: run files in path order.
  testSequencer: path.join(__dirname, 'test', 'support', 'sequencer.js'),
  reporters: ['default', path.join(__dirname, 'test', 'support', 'summary-reporter.js')],
  projects: [
    project('model'),
    project('topology'),
    project('chaincode'),
    project('ca'),
    project('network'),
    project('gateway-client'),
    // Live suites share one Fabric network; the test script runs them in band. The tests of the
    // suites' own helpers (test/support) need no network: they are the unit project below.
    project('test', {
      testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/support/', '<rootDir>/bench/'],
      globalSetup: path.join(__dirname, 'test', 'support', 'global-setup.ts'),
      globalTeardown: path.join(__dirname, 'test', 'support', 'global-teardown.ts'),
    }),
    // The live suites' helpers checked without Fabric (the history checker, the bench's argument
    // parsing and figures): no global setup.
    project('test', {
      displayName: 'test-support',
      testMatch: ['<rootDir>/support/**/*.test.ts', '<rootDir>/bench/**/*.test.ts'],
    }),
  ],
};
