import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import io.netty.channel.Channel;
import org.h2.mvstore.FreeSpaceBitSet;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Local development MongoDB-wire-compatible server (de.bwaldvogel:mongo-java-server).
 *
 * Started by deploy/local/mongo/mongo.sh; never used in production.
 *
 * Usage: LocalMongoServer [--host 127.0.0.1] [--port 27018] [--data-dir DIR | --in-memory] [--oplog]
 *                         [--scrub-interval-seconds 1]
 *
 * With --data-dir the H2 MVStore backend keeps everything in DIR/mongo.mv.db
 * (the store auto-commits about once a second and is closed cleanly on SIGTERM).
 *
 * The MVStore is append-only: an updated or deleted document stays in the file, in clear, in
 * stale pages of older chunks, and freed chunks keep their bytes until something overwrites them.
 * After a GDPR erasure the erased client's strings were still readable there. The
 * {@link StaleDataScrubber} therefore checks every --scrub-interval-seconds (0 = never) and, after
 * writes, in the first quiet moment (at most 30 s later under writes that never pause), rewrites
 * every chunk, frees the chunks left without live pages, and overwrites the freed blocks with zeros,
 * so that only live documents remain readable in the file.
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

    /**
     * MongoDB 5.0 as drivers know it: buildInfo "5.0.0" and maxWireVersion 13. mongo-java-server's
     * own ServerVersion.MONGO_5_0 (1.47.0, its newest) says 5.0.0 but maxWireVersion 8 (MongoDB
     * 4.2), which pymongo 4.20 refuses ("requires at least 9 (MongoDB 4.4)"), so a BI analyst's
     * tools could not connect. Checked at 13: the jest suites of libs/ and apps/ (Node driver 6,
     * mongoose 8) and the README's BI queries by pymongo (tools/bench/read-model-server-pymongo.py).
     * hello still carries no logicalSessionTimeoutMinutes, so no driver starts sessions or
     * transactions, which this server lacks.
     */
    static final MongoVersion WIRE_VERSION_OF_5_0 = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(5, 0, 0);
        }

        @Override
        public int getWireVersion() {
            return 13;
        }
    };

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 27018;
        String dataDir = null;
        boolean inMemory = false;
        boolean oplog = false;
        int scrubIntervalSeconds = 1;

        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--data-dir" -> dataDir = args[++i];
                case "--in-memory" -> inMemory = true;
                case "--oplog" -> oplog = true;
                case "--scrub-interval-seconds" -> scrubIntervalSeconds = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("LocalMongoServer: unknown argument " + args[i]);
                    System.exit(2);
                }
            }
        }

        // Every backend call, and every scrub, holds this lock: a scrub never runs inside a command.
        final Object backendLock = new Object();
        final MongoBackend backend;
        ScheduledExecutorService scrubbing = null;
        if (inMemory || dataDir == null || dataDir.isEmpty()) {
            backend = new MemoryBackend();
        } else {
            Path dir = Path.of(dataDir);
            Files.createDirectories(dir);
            Path file = dir.resolve("mongo.mv.db");
            MVStore store = MVStore.open(file.toString());
            backend = new DurableH2Backend(store);
            if (scrubIntervalSeconds > 0) {
                StaleDataScrubber scrubber = new StaleDataScrubber(store, file, backendLock);
                scrubbing = Executors.newSingleThreadScheduledExecutor(runnable -> {
                    Thread thread = new Thread(runnable, "local-mongo-scrubber");
                    thread.setDaemon(true);
                    return thread;
                });
                scrubbing.scheduleWithFixedDelay(scrubber::scrubIfWritten, scrubIntervalSeconds, scrubIntervalSeconds, TimeUnit.SECONDS);
            }
        }
        backend.version(WIRE_VERSION_OF_5_0);

        final MongoServer server = new MongoServer(serialized(backend, backendLock));
        if (oplog) {
            server.enableOplog(); // experimental change-stream support
        }
        server.bind(host, port);

        final CountDownLatch stopped = new CountDownLatch(1);
        final ScheduledExecutorService scrubbingToStop = scrubbing;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("LocalMongoServer: shutting down");
            if (scrubbingToStop != null) {
                // No interrupt: an interrupted FileChannel closes, which would break the store.
                scrubbingToStop.shutdown();
                synchronized (backendLock) {
                    // waits for a scrub in progress to end before the store closes
                }
            }
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
     * Wraps the backend: serializes all calls through one lock, answers the "hello"
     * command (which mongo-java-server 1.47.0 lacks; drivers send it instead of isMaster
     * when a Stable API version (serverApi) is requested) like isMaster, and answers
     * localIndexStats, the secondary indexes' counters.
     */
    private static MongoBackend serialized(MongoBackend target, Object lock) {
        return (MongoBackend) Proxy.newProxyInstance(
                LocalMongoServer.class.getClassLoader(),
                new Class<?>[] {MongoBackend.class},
                (proxy, method, methodArgs) -> {
                    synchronized (lock) {
                        try {
                            Document answer = answeredHere(target, method.getName(), methodArgs);
                            return answer != null ? answer : method.invoke(target, methodArgs);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    }
                });
    }

    /** Commands this wrapper answers itself: hello (as isMaster), and localIndexStats (see LocalSecondaryIndexes). */
    private static Document answeredHere(MongoBackend target, String methodName, Object[] args) {
        Channel channel;
        String database;
        String command;
        Document query;
        if (methodName.equals("handleCommand")) {
            channel = (Channel) args[0];
            database = (String) args[1];
            command = (String) args[2];
            query = (Document) args[3];
        } else if (methodName.equals("handleMessage")) {
            MongoMessage message = (MongoMessage) args[0];
            query = message.getDocument();
            if (query.isEmpty()) {
                return null;
            }
            command = query.keySet().iterator().next();
            channel = message.getChannel();
            database = message.getDatabaseName();
        } else {
            return null;
        }
        if ("hello".equalsIgnoreCase(command)) {
            Document response = target.handleCommand(channel, database, "isMaster", query);
            response.put("isWritablePrimary", Boolean.TRUE);
            return response;
        }
        if (LocalSecondaryIndexes.STATS_COMMAND.equals(command)) {
            return LocalSecondaryIndexes.stats();
        }
        return null;
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

        /** Built (in memory, again on every start) instead of ignored: see {@link LocalSecondaryIndexes}. */
        @Override
        protected Index<Object> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
            if (!LocalSecondaryIndexes.ENABLED) {
                return super.openOrCreateSecondaryIndex(collectionName, indexName, keys, sparse);
            }
            return new LocalSecondaryIndexes.SecondaryIndex<>(indexName, keys, sparse);
        }

        /**
         * In memory (see {@link LocalSecondaryIndexes.InMemoryUniqueIndex}); the index's map in the
         * file, if an earlier version left one, is removed, so that a server keeping it in H2 again
         * builds it from the documents instead of trusting a map nobody kept up to date.
         */
        @Override
        protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
            if (!LocalSecondaryIndexes.UNIQUE_IN_MEMORY) {
                return super.openOrCreateUniqueIndex(collectionName, indexName, keys, sparse);
            }
            MVStore mvStore = h2StoreOf(this);
            String mapName = getFullCollectionNamespace(collectionName) + INDEX_INFIX + indexName;
            if (mvStore.hasMap(mapName)) {
                mvStore.removeMap(mapName);
            }
            return new LocalSecondaryIndexes.InMemoryUniqueIndex(indexName, keys, sparse);
        }

        /** The H2 backend's own maps, in a collection that plans its queries with the secondary indexes. */
        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            // Called from H2Database's constructor too (the collections of the file), before `store` is set.
            MVStore mvStore = h2StoreOf(this);
            String fullName = getFullCollectionNamespace(collectionName);
            MVMap<Object, Document> dataMap = mvStore.openMap(DATA_PREFIX + fullName);
            MVMap<String, Object> metaMap = mvStore.openMap(META_PREFIX + fullName);
            return new LocalSecondaryIndexes.IndexedH2Collection(this, collectionName, options, dataMap, metaMap, cursorRegistry);
        }

        private static MVStore h2StoreOf(H2Database database) {
            try {
                Field field = H2Database.class.getDeclaredField("mvStore");
                field.setAccessible(true);
                return (MVStore) field.get(database);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("mongo-java-server's H2Database changed: no mvStore field", e);
            }
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

    /**
     * Leaves only live data in the MVStore file (see the class comment). It rewrites every chunk
     * (`compact(100, ∞)`: H2 then rewrites all chunks but the last, which is the only way its public
     * API reaches every stale page), drops the chunks left without live pages at once (retention
     * time 0: nothing reads old versions here, every backend call holds the same lock), moves up to
     * 1 MB of chunks towards the start of the file (it shrinks over time), and writes zeros over the
     * blocks freed since the last scrub (H2 never clears freed space).
     *
     * A full rewrite costs about 0.05 s per MB of live data and holds the server's one lock, so it
     * waits for a quiet moment: it runs once no write came for QUIET_NANOS after writes (three
     * times: a rewrite's own commits leave a few stale pages for the next), or, under writes that
     * never pause, once MAX_DEFERRAL_NANOS have passed since the first write not scrubbed.
     * Measured with 20,000 documents of 1 KB: 8 connections updating without pause for 45 s made
     * 47,645 updates (about 10 % fewer than without the scrubber; a scrub after every write burst,
     * as first written, cut them to a seventh), p99 54 ms, the slowest 938 ms (the scrub forced
     * after 30 s); once quiet, scrubs of 0.6–1.0 s.
     *
     * Retention time 0 gives up H2's protection against a file system that reorders writes across
     * a power failure, for no stale copies: acceptable for a local development server only.
     */
    static final class StaleDataScrubber {
        private static final int BLOCK_SIZE = 4096;
        private static final int SCRUBS_AFTER_WRITES = 3;
        private static final long MOVE_BYTES_PER_SCRUB = 1L << 20;
        private static final long QUIET_NANOS = 2_000_000_000L;
        private static final long MAX_DEFERRAL_NANOS = 30_000_000_000L;
        /** MVStore's default versionsToKeep. */
        private static final int VERSIONS_KEPT = 5;
        /** Outside the "databases." names, so the backend never sees it as a database. */
        private static final String TICKS_MAP = "local-mongo-scrubber";
        private final MVStore store;
        private final Path file;
        private final Object backendLock;
        private final FreeSpaceBitSet freeSpace;
        /** Free blocks already overwritten with zeros (a block in use again is cleared from it). */
        private final BitSet zeroedBlocks = new BitSet();
        private final MVMap<String, Long> ticks;
        private long versionSeen = -1;
        private long lastWriteNanos;
        /** When the oldest write not yet scrubbed was seen; meaningful while scrubsPending > 0. */
        private long pendingSinceNanos;
        private int scrubsPending;

        StaleDataScrubber(MVStore store, Path file, Object backendLock) throws ReflectiveOperationException {
            this.store = store;
            this.file = file;
            this.backendLock = backendLock;
            store.setRetentionTime(0);
            store.setVersionsToKeep(VERSIONS_KEPT);
            this.ticks = store.openMap(TICKS_MAP);
            // H2 keeps the free-space map to itself; it is the only way to know which blocks are garbage.
            Field field = RandomAccessStore.class.getDeclaredField("freeSpace");
            field.setAccessible(true);
            this.freeSpace = (FreeSpaceBitSet) field.get(store.getFileStore());
        }

        void scrubIfWritten() {
            try {
                synchronized (backendLock) {
                    if (store.isClosed()) {
                        return;
                    }
                    long now = System.nanoTime();
                    if (store.hasUnsavedChanges() || store.getCurrentVersion() != versionSeen) {
                        if (scrubsPending == 0) {
                            pendingSinceNanos = now;
                        }
                        scrubsPending = SCRUBS_AFTER_WRITES;
                        lastWriteNanos = now;
                        versionSeen = store.getCurrentVersion();
                    }
                    boolean quiet = now - lastWriteNanos >= QUIET_NANOS;
                    boolean deferredTooLong = now - pendingSinceNanos >= MAX_DEFERRAL_NANOS;
                    if (scrubsPending == 0 || !quiet && !deferredTooLong) {
                        return;
                    }
                    scrubsPending--;
                    long started = now;
                    store.commit();
                    // Pages of maps that are not open cannot be rewritten (their chunks would stay).
                    for (String name : store.getMapNames()) {
                        store.openMap(name);
                    }
                    if (store.compact(100, Integer.MAX_VALUE)) {
                        store.commit();
                    }
                    // A chunk whose pages all died (rewritten, deleted, or of a dropped collection) is
                    // freed only once it is older than the versions MVStore keeps (5): without more
                    // writes it would stay in the file. A few commits of our own move the version on.
                    for (int tick = 0; tick <= VERSIONS_KEPT; tick++) {
                        ticks.put("tick", (long) tick);
                        store.commit();
                    }
                    ((RandomAccessStore) store.getFileStore()).compactMoveChunks(100, MOVE_BYTES_PER_SCRUB, store);
                    long zeroed = zeroFreedBlocks();
                    // Our own commits are no write to scrub after; under writes that never pause, the
                    // next deferral is counted from here.
                    versionSeen = store.getCurrentVersion();
                    pendingSinceNanos = System.nanoTime();
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    if (millis > 1000) {
                        System.err.println("LocalMongoServer: scrub took " + millis + " ms (" + zeroed / BLOCK_SIZE
                                + " freed blocks zeroed, file " + Files.size(file) / 1024 + " KiB)");
                    }
                }
            } catch (Throwable e) {
                // A failed scrub leaves the store as it was; the next one tries again.
                System.err.println("LocalMongoServer: scrub failed: " + e);
            }
        }

        /** Overwrites the free blocks not zeroed yet with zeros; returns the bytes written. */
        private long zeroFreedBlocks() throws IOException {
            long[] written = {0};
            IOException[] failure = {null};
            // Under the store's own locks: no chunk is allocated or written meanwhile.
            store.executeFilestoreOperation(() -> {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    long end = channel.size();
                    ByteBuffer zeros = ByteBuffer.allocate(BLOCK_SIZE);
                    // Blocks 0 and 1 hold the store header.
                    for (int block = 2; (long) (block + 1) * BLOCK_SIZE <= end; block++) {
                        long pos = (long) block * BLOCK_SIZE;
                        if (!freeSpace.isFree(pos, BLOCK_SIZE)) {
                            zeroedBlocks.clear(block);
                        } else if (!zeroedBlocks.get(block)) {
                            zeros.clear();
                            while (zeros.hasRemaining()) {
                                channel.write(zeros, pos + zeros.position());
                            }
                            zeroedBlocks.set(block);
                            written[0] += BLOCK_SIZE;
                        }
                    }
                    // A truncated file forgets its tail; blocks past the end are not zeroed.
                    zeroedBlocks.clear((int) (end / BLOCK_SIZE), Math.max((int) (end / BLOCK_SIZE), zeroedBlocks.length()));
                    if (written[0] > 0) {
                        channel.force(false);
                    }
                } catch (IOException e) {
                    failure[0] = e;
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
            return written[0];
        }
    }
}
