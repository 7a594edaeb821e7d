// Live suites share one network and some change it (stop, kill, restart nodes), so they run in a
// fixed order: by file path. The suite that removes the network sorts last (zz-*).
const Sequencer = require('@jest/test-sequencer').default;

class PathOrderSequencer extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => a.path.localeCompare(b.path));
  }
}

module.exports = PathOrderSequencer;
