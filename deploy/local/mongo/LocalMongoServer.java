import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import io.netty.channel.Channel;
import org.h2.mvstore.MVStore;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Local development MongoDB-wire-compatible server (de.bwaldvogel:mongo-java-server).
 *
 * Started by deploy/local/mongo/mongo.sh; never used in production.
 *
 * Usage: LocalMongoServer [--host 127.0.0.1] [--port 27018] [--data-dir DIR | --in-memory] [--oplog]
 *
 * With --data-dir the H2 MVStore backend keeps everything in DIR/mongo.mv.db
 * (the store auto-commits about once a second and is closed cleanly on SIGTERM).
 *
 * All backend calls are serialized through one lock: the backends (H2 in particular)
 * race when several connections create the same collection/index concurrently, which
 * Mongoose does at model compile time (autoCreate + autoIndex), leaving the H2 maps
 * "closed" for the rest of the process lifetime. A single lock is fine for local dev.
 *
 * The H2 backend's renameCollection (1.47.0) only renames the collection in memory: its
 * MVStore maps keep the old name, so after a restart the renamed collection is empty and
 * the old name resurrects. {@link DurableH2Database} renames the maps before the in-memory
 * rename.
 */
public final class LocalMongoServer {

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 27018;
        String dataDir = null;
        boolean inMemory = false;
        boolean oplog = false;

        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--data-dir" -> dataDir = args[++i];
                case "--in-memory" -> inMemory = true;
                case "--oplog" -> oplog = true;
                default -> {
                    System.err.println("LocalMongoServer: unknown argument " + args[i]);
                    System.exit(2);
                }
            }
        }

        final MongoBackend backend;
        if (inMemory || dataDir == null || dataDir.isEmpty()) {
            backend = new MemoryBackend();
        } else {
            Path dir = Path.of(dataDir);
            Files.createDirectories(dir);
            backend = new DurableH2Backend(MVStore.open(dir.resolve("mongo.mv.db").toString()));
        }
        // Reports itself as MongoDB 5.0 (maxWireVersion 8), which the Node driver 6.x accepts.
        backend.version(ServerVersion.MONGO_5_0);

        final MongoServer server = new MongoServer(serialized(backend));
        if (oplog) {
            server.enableOplog(); // experimental change-stream support
        }
        server.bind(host, port);

        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("LocalMongoServer: shutting down");
            try {
                server.shutdown(); // closes connections and the backend (MVStore commit + close)
            } catch (RuntimeException e) {
                System.err.println("LocalMongoServer: error during shutdown: " + e);
            }
            try {
                backend.close();
            } catch (RuntimeException ignored) {
                // already closed by server.shutdown()
            }
            System.err.println("LocalMongoServer: stopped");
            stopped.countDown();
        }, "local-mongo-shutdown"));

        System.err.println("LocalMongoServer: ready on mongodb://" + host + ":" + port
                + " backend=" + backend);
        stopped.await();
    }

    /**
     * Wraps the backend: serializes all calls through one lock and answers the "hello"
     * command (which mongo-java-server 1.47.0 lacks; drivers send it instead of isMaster
     * when a Stable API version (serverApi) is requested) like isMaster.
     */
    private static MongoBackend serialized(MongoBackend target) {
        final Object lock = new Object();
        return (MongoBackend) Proxy.newProxyInstance(
                LocalMongoServer.class.getClassLoader(),
                new Class<?>[] {MongoBackend.class},
                (proxy, method, methodArgs) -> {
                    synchronized (lock) {
                        try {
                            Document hello = maybeHello(target, method.getName(), methodArgs);
                            return hello != null ? hello : method.invoke(target, methodArgs);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }
                });
    }

    private static Document maybeHello(MongoBackend target, String methodName, Object[] args) {
        Channel channel;
        String database;
        Document query;
        if (methodName.equals("handleCommand") && "hello".equalsIgnoreCase((String) args[2])) {
            channel = (Channel) args[0];
            database = (String) args[1];
            query = (Document) args[3];
        } else if (methodName.equals("handleMessage")) {
            MongoMessage message = (MongoMessage) args[0];
            query = message.getDocument();
            if (query.isEmpty() || !"hello".equalsIgnoreCase(query.keySet().iterator().next())) {
                return null;
            }
            channel = message.getChannel();
            database = message.getDatabaseName();
        } else {
            return null;
        }
        Document response = target.handleCommand(channel, database, "isMaster", query);
        response.put("isWritablePrimary", Boolean.TRUE);
        return response;
    }

    /** H2 backend whose databases rename their MVStore maps on renameCollection. */
    static final class DurableH2Backend extends H2Backend {
        DurableH2Backend(MVStore mvStore) {
            super(mvStore);
        }

        @Override
        protected MongoDatabase openOrCreateDatabase(String databaseName) {
            return new DurableH2Database(databaseName, getMvStore(), getCursorRegistry());
        }
    }

    static final class DurableH2Database extends H2Database {
        // Map name layout of de.bwaldvogel.mongo.backend.h2.H2Database (1.47.0).
        private static final String DATA_PREFIX = "databases.";
        private static final String META_PREFIX = "meta.";
        private static final String INDEX_INFIX = "._index_";

        private final MVStore store;

        DurableH2Database(String databaseName, MVStore mvStore, de.bwaldvogel.mongo.backend.CursorRegistry cursors) {
            super(databaseName, mvStore, cursors);
            this.store = mvStore;
        }

        @Override
        public void moveCollection(MongoDatabase oldDatabase, MongoCollection<?> collection, String newCollectionName) {
            String oldFullName = collection.getFullName();
            String newFullName = getFullCollectionNamespace(newCollectionName);
            if (!oldFullName.equals(newFullName)) {
                renameMap(DATA_PREFIX + oldFullName, DATA_PREFIX + newFullName);
                renameMap(META_PREFIX + oldFullName, META_PREFIX + newFullName);
                List<String> indexMaps = new ArrayList<>();
                for (String name : store.getMapNames()) {
                    if (name.startsWith(oldFullName + INDEX_INFIX)) {
                        indexMaps.add(name);
                    }
                }
                for (String name : indexMaps) {
                    renameMap(name, newFullName + name.substring(oldFullName.length()));
                }
            }
            // The H2Database implementation then renames the maps of the *new* name onto
            // themselves, which is a no-op now.
            super.moveCollection(oldDatabase, collection, newCollectionName);
        }

        private void renameMap(String from, String to) {
            if (!store.hasMap(from)) {
                return;
            }
            if (store.hasMap(to)) {
                // Leftover of a dropped collection (dropTarget) or of an earlier buggy rename.
                store.removeMap(to);
            }
            // openMap returns the instance the open collection/index already holds, so the
            // in-memory objects keep working after the rename.
            store.renameMap(store.openMap(from), to);
        }
    }
}
