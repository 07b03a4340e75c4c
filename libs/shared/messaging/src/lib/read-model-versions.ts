import type { Connection } from 'mongoose';

interface VersionDocument {
  _id: string;
  active: string;
  version: number;
  switchedAt: Date;
}

/**
 * Which physical collection holds each logical read model (`client_profiles` ->
 * `client_profiles_v3`). A rebuild fills a new version, then switches the pointer, so readers
 * never see a half-built read model. Version 1 is the default until the first rebuild.
 */
export class ReadModelVersions {
  constructor(private readonly mongo: Connection) {}

  async activeCollection(logical: string): Promise<string> {
    const document = await this.pointers().findOne({ _id: logical });
    return document?.active ?? `${logical}_v1`;
  }

  async activeVersion(logical: string): Promise<number> {
    return (await this.pointers().findOne({ _id: logical }))?.version ?? 1;
  }

  async switchTo(logical: string, version: number): Promise<string> {
    const active = `${logical}_v${version}`;
    await this.pointers().updateOne(
      { _id: logical },
      { $set: { active, version, switchedAt: new Date() } },
      { upsert: true },
    );
    return active;
  }

  private pointers() {
    return this.mongo.collection<VersionDocument>('read_model_versions');
  }
}
