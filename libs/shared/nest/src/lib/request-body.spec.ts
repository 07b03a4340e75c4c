import { HttpException } from '@nestjs/common';
import { MAX_BODY_BYTES, bodyParserRefusal } from './request-body';

/** An error shaped as body-parser passes it on (http-errors: status, expose, type). */
function parserError(status: number, type: string | undefined, extra: Record<string, unknown> = {}, base: Error = new Error('x')) {
  return Object.assign(base, { status, statusCode: status, expose: true, type, ...extra });
}

function answer(error: unknown) {
  const refusal = bodyParserRefusal(error);
  if (!(refusal instanceof HttpException)) throw new Error(`no refusal for ${String(error)}`);
  return { status: refusal.getStatus(), body: refusal.getResponse() as Record<string, unknown> };
}

describe('bodyParserRefusal', () => {
  it('answers a body over the limit with 413 naming the limit', () => {
    const { status, body } = answer(parserError(413, 'entity.too.large', { limit: MAX_BODY_BYTES, length: 200_000 }));
    expect(status).toBe(413);
    expect(body).toEqual({
      statusCode: 413,
      error: 'payload-too-large',
      message: 'The request body is larger than the limit of 100 kB (102400 bytes).',
      errors: [{ field: 'body', reason: 'must be at most 100 kB' }],
    });
  });

  it('answers an unsupported charset or content encoding with 415 naming the header', () => {
    expect(answer(parserError(415, 'charset.unsupported', { charset: 'latin1' }))).toMatchObject({
      status: 415,
      body: { error: 'unsupported-charset', errors: [{ field: 'Content-Type', reason: 'the charset must be utf-8' }] },
    });
    expect(answer(parserError(415, 'encoding.unsupported', { encoding: 'compress' }))).toMatchObject({
      status: 415,
      body: { error: 'unsupported-content-encoding', errors: [{ field: 'Content-Encoding' }] },
    });
  });

  it('answers malformed JSON with 400 and never quotes the body', () => {
    const syntax = new SyntaxError('Unexpected token \'A\', "Anna Nowak +48601000011" is not valid JSON');
    const { status, body } = answer(parserError(400, 'entity.parse.failed', { body: 'Anna Nowak +48601000011' }, syntax));
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'malformed-json', errors: [{ field: 'body', reason: 'must be a JSON object' }] });
    expect(JSON.stringify(body)).not.toContain('Anna');
  });

  it('answers a body that does not decompress with 400', () => {
    const zlib = Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR' });
    expect(answer(parserError(400, undefined, {}, zlib))).toMatchObject({ status: 400, body: { error: 'unreadable-body' } });
  });

  it('leaves alone what is no refusal of the parsers', () => {
    expect(bodyParserRefusal(new Error('boom'))).toBeUndefined();
    expect(bodyParserRefusal(new TypeError("Cannot read properties of undefined (reading 'length')"))).toBeUndefined();
    expect(bodyParserRefusal(undefined)).toBeUndefined();
    expect(bodyParserRefusal('text')).toBeUndefined();
  });
});
