import { ServiceUnavailableException } from '@nestjs/common';
import { PhotoStorage } from './photo-storage';

describe('PhotoStorage', () => {
  // Port 1 on loopback: nothing listens there.
  const unreachable = new PhotoStorage({
    endpoint: 'http://127.0.0.1:1',
    accessKey: 'salon-media',
    secretKey: 'not-a-real-secret',
    bucket: 'salon-media-test',
    versioning: true,
    urlLifetimeSeconds: 300,
  });

  it('answers an unreachable store as 503 object-store-unavailable, never a 500', async () => {
    for (const attempt of [
      () => unreachable.put([{ key: 'tenant/t/client/c/photo/p/256.webp', bytes: Buffer.from('x'), contentType: 'image/webp' }]),
      () => unreachable.versionsUnder('tenant/t/client/c/'),
      () => unreachable.removeEverythingUnder('tenant/t/client/c/'),
    ]) {
      const error = await attempt().then(() => undefined, (reason: unknown) => reason);
      expect(error).toBeInstanceOf(ServiceUnavailableException);
      expect((error as ServiceUnavailableException).getResponse()).toMatchObject({ statusCode: 503, error: 'object-store-unavailable' });
    }
  });
});
