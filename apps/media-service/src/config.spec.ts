import { randomBytes } from 'node:crypto';
import { ConfigurationError, loadConfig } from '@salon/shared/nest';
import { serviceEnvironment } from '@salon/shared/testing';
import { MediaServiceConfig } from './config';

const storage = {
  MINIO_ENDPOINT: 'http://127.0.0.1:9000',
  MINIO_ACCESS_KEY: 'salon-media',
  MINIO_SECRET_KEY: 'minioadmin',
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(MediaServiceConfig, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigurationError) return [...error.problems];
    throw error;
  }
}

describe('the media service configuration', () => {
  it('takes the object store settings, with a versioned bucket and 5-minute links by default', () => {
    const config = loadConfig(MediaServiceConfig, { ...serviceEnvironment('unused'), ...storage });
    expect(config).toMatchObject({ PORT: 3999, MEDIA_BUCKET: 'salon-media', MEDIA_BUCKET_VERSIONING: 'true', MEDIA_URL_LIFETIME_SECONDS: 300 });
    expect(loadConfig(MediaServiceConfig, { ...serviceEnvironment('unused'), ...storage, MEDIA_BUCKET_VERSIONING: 'false' }).MEDIA_BUCKET_VERSIONING).toBe('false');
  });

  it('names each missing or bad variable', () => {
    const { MINIO_ENDPOINT: _missing, ...withoutEndpoint } = storage;
    const problems = problemsOf({ ...serviceEnvironment('unused'), ...withoutEndpoint, MEDIA_BUCKET: 'Photos_Of_Anna', MEDIA_BUCKET_VERSIONING: 'yes', MEDIA_URL_LIFETIME_SECONDS: '86400' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^MINIO_ENDPOINT: .*it is not set/),
        expect.stringMatching(/^MEDIA_BUCKET: must be an S3 bucket name/),
        expect.stringMatching(/^MEDIA_BUCKET_VERSIONING: must be true or false/),
        expect.stringMatching(/^MEDIA_URL_LIFETIME_SECONDS: /),
      ]),
    );
  });

  it('refuses in production MinIO\'s default secret and a short one, never showing it', () => {
    const production = {
      ...serviceEnvironment('unused'),
      ...storage,
      NODE_ENV: 'production',
      JWT_SECRET: randomBytes(48).toString('base64'),
      SERVICE_TOKEN_SECRET: randomBytes(48).toString('base64'),
      JWT_ISSUER: 'https://id.example.com/',
      JWT_AUDIENCE: 'salon-client-base',
      MASTER_KEY: randomBytes(32).toString('base64'),
    };
    expect(problemsOf(production)).toEqual([expect.stringMatching(/^MINIO_SECRET_KEY: is a development value/)]);
    expect(problemsOf({ ...production, MINIO_SECRET_KEY: 'short-but-not-default' })).toEqual(['MINIO_SECRET_KEY: must be at least 32 characters in production']);
    expect(problemsOf({ ...production, MINIO_SECRET_KEY: randomBytes(32).toString('base64') })).toEqual([]);
    expect(problemsOf(production).join('\n')).not.toContain('minioadmin');
  });
});
