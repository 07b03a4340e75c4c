import type { Connection } from 'mongoose';

interface VersionDocument {
  _id: string;
  active: string;
  version: number;
  switchedAt: Date;
}

/** The versions of one logical read model that exist as collections now. */
export interface ExistingVersions {
  /** The collection readers and the live projection use. */
  readonly active: string;
  /** Older versions not dropped yet, oldest first: readers that resolved them before the switch may still be reading. */
  readonly superseded: readonly string[];
  /** When readers were last switched (absent until the first rebuild). */
  readonly switchedAt?: Date;
}

/**
 * Which physical collection holds each logical read model (`client_profiles` ->
 * `client_profiles_v3`). A rebuild fills a new version, then switches the pointer, so readers
 * never see a half-built read model. Version 1 is the default until the first rebuild. The
 * versions it replaced stay until ReadModelRetirement drops them, a grace period after the switch.
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

  /**
   * The active version and the older ones still there. Versions above the active one are not
   * listed: they are a rebuild under way (or one that failed, which the next rebuild replaces).
   */
  async existing(logical: string): Promise<ExistingVersions> {
    const pointer = await this.pointers().findOne({ _id: logical });
    const activeVersion = pointer?.version ?? 1;
    const pattern = new RegExp(`^${escapeRegex(logical)}_v(\\d+)$`);
    const superseded = (await this.collectionNames())
      .map((name) => ({ name, version: Number(pattern.exec(name)?.[1]) }))
      .filter(({ version }) => Number.isInteger(version) && version < activeVersion)
      .sort((a, b) => a.version - b.version)
      .map(({ name }) => name);
    return { active: pointer?.active ?? `${logical}_v1`, superseded, ...(pointer ? { switchedAt: pointer.switchedAt } : {}) };
  }

  /**
   * Drops the superseded versions of each logical read model whose last switch is at least
   * `graceMs` before `now`; returns the collections dropped. A reader resolves the version per
   * query, so after the grace period nobody reads an older one; dropping it also drops whatever
   * personal data it still held.
   */
  async retireSuperseded(logicals: readonly string[], graceMs: number, now: Date = new Date()): Promise<string[]> {
    const dropped: string[] = [];
    for (const logical of logicals) {
      const { superseded, switchedAt } = await this.existing(logical);
      if (switchedAt === undefined || now.getTime() - new Date(switchedAt).getTime() < graceMs) continue;
      for (const name of superseded) {
        await this.mongo.dropCollection(name).catch((error: unknown) => {
          if (!alreadyDropped(error)) throw error;
        });
        dropped.push(name);
      }
    }
    return dropped;
  }

  private async collectionNames(): Promise<string[]> {
    const db = (await this.mongo.asPromise()).db;
    if (!db) throw new Error('MongoDB connection has no database');
    return (await db.listCollections({}, { nameOnly: true }).toArray()).map((collection) => collection.name);
  }

  private pointers() {
    return this.mongo.collection<VersionDocument>('read_model_versions');
  }
}

/** Another instance dropped it first (MongoDB before 7 and mongo-java-server refuse to drop what is not there). */
function alreadyDropped(error: unknown): boolean {
  const { code, codeName, message } = (error ?? {}) as { code?: number; codeName?: string; message?: string };
  return code === 26 || codeName === 'NamespaceNotFound' || /ns not found/i.test(message ?? '');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
