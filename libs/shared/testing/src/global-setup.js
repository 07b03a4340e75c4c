// Runs once before Jest starts any test file. Tests talk to real servers; when one is not
// running, fail at once with the way to start it instead of letting tests time out one by one.
const net = require('node:net');
const { serverAddresses } = require('./lib/server-addresses.js');

function probe({ name, host, port }) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    const done = (error) => {
      socket.destroy();
      resolve(error ? `${name} is not reachable at ${host}:${port} (${error})` : undefined);
    };
    socket.once('connect', () => done());
    socket.once('timeout', () => done('timed out'));
    socket.once('error', (error) => done(error.code || error.message));
  });
}

module.exports = async function checkServers() {
  const problems = (await Promise.all(serverAddresses().map(probe))).filter(Boolean);
  if (problems.length > 0) {
    throw new Error(
      `The tests need the local servers.\n  ${problems.join('\n  ')}\n` +
        `Start them with "npm run infra start" (or run everything with "npm test").`,
    );
  }
};
