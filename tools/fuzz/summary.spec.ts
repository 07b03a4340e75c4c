import { countService, formatTable, operationsOf } from './summary';

const openApi = {
  paths: {
    '/visits': { post: {}, get: {} },
    '/visits/{visitId}/payments': { post: {}, parameters: [] },
    '/health/ready': { get: {} },
  },
};

const entry = (method: string, url: string, status: number) => ({ request: { method, url }, response: { status } });

describe('the fuzz summary', () => {
  const operations = operationsOf(openApi);

  it('counts the operations of the document, not its other keys', () => {
    expect(operations.map((operation) => `${operation.method} ${operation.path}`)).toEqual([
      'POST /visits',
      'GET /visits',
      'POST /visits/{visitId}/payments',
      'GET /health/ready',
    ]);
  });

  it('counts requests by answer and names the operations that answered 5xx or not at all', () => {
    const counts = countService('visits-service', operations, [
      entry('POST', 'http://127.0.0.1:3102/visits', 201),
      entry('POST', 'http://127.0.0.1:3102/visits/abc/payments', 400),
      entry('POST', 'http://127.0.0.1:3102/visits/%F0%9F/payments?x=1', 500),
      entry('POST', 'http://127.0.0.1:3102/visits/def/payments', 0),
      entry('TRACE', 'http://127.0.0.1:3102/health/ready', 404),
    ]);
    expect(counts).toMatchObject({
      operations: 4,
      operationsRequested: 2,
      requests: 5,
      byClass: { '2xx': 1, '3xx': 0, '4xx': 2, '5xx': 1, none: 1 },
    });
    expect([...counts.serverErrors]).toEqual([['POST /visits/{visitId}/payments', 2]]);
  });

  it('prints one row per service', () => {
    const table = formatTable([countService('consent-service', operations, [entry('GET', 'http://h/health/ready', 200)])]);
    expect(table.split('\n')).toHaveLength(3);
    expect(table).toContain('| consent-service | 4          | 1         | 1        | 1   | 0   | 0   | 0         |');
  });
});
