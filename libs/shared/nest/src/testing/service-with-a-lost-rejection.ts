// A service process whose start leaves a promise rejected with nobody to hear it, a bug the
// global handler must turn into a logged exit with code 1 (process-failures.spec.ts).
import { runService } from '../lib/bootstrap';

void runService(async () => {
  setInterval(() => undefined, 60_000); // the HTTP server of a real service keeps the process alive
  void Promise.reject(new Error(`provoked by ${process.env['PROVOKED_BY'] ?? 'the test'}`));
}, 'lost-rejection-service');
