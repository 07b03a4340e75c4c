// Prints one closing line in the plain "N passed, N failed" form that CI systems read, after
// Jest's own summary. CI reads only the closing lines of a run, and `npm test` goes on after Jest
// (fuzz run, stopping the servers), so with TEST_SUMMARY_FILE set the line is also written there
// for deploy/local/run.sh to print again as the very last line.
const fs = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`;
    process.stdout.write(`\n${line}\n`);
    if (process.env.TEST_SUMMARY_FILE) fs.writeFileSync(process.env.TEST_SUMMARY_FILE, `${line}\n`);
  }
}
module.exports = SummaryReporter;
