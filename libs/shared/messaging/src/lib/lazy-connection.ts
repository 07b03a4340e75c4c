/**
 * A client of the messaging port (producer, admin) connected on first use, so that a worker that never needs
 * it holds no connection. A failed connection is tried again on the next use.
 */
export class LazyConnection<Client extends { connect(): Promise<void>; disconnect(): Promise<void> }> {
  private connection?: Promise<Client>;

  constructor(private readonly create: () => Client) {}

  get(): Promise<Client> {
    if (!this.connection) {
      const client = this.create();
      const connecting = client.connect().then(() => client);
      this.connection = connecting;
      connecting.catch(() => {
        if (this.connection === connecting) this.connection = undefined;
      });
    }
    return this.connection;
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    const client = await connection?.catch(() => undefined);
    await client?.disconnect().catch(() => undefined);
  }
}
