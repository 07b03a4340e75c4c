import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.type.ObjectDataType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Non-unique secondary indexes for the local mongo-java-server, which builds none of its own (1.47.0:
 * "adding secondary index … is not yet implemented. ignoring", and every query that is not an exact
 * match of a unique index's keys reads the whole collection).
 *
 * An index here is a candidate filter and nothing more: for a query it yields the positions of the
 * documents that can match it, a superset, which the server then matches, sorts and pages exactly
 * as it does after a scan, in the order a scan would have read them. So an index changes how many
 * documents a query reads, never its answer. With LOCAL_MONGO_VERIFY_INDEXES=1 every query served
 * from an index is also answered by a scan and the two answers compared (a difference is counted,
 * logged without any document content, and the scan's answer returned).
 */
final class LocalSecondaryIndexes {

    /** Index keys up to this many: (tenantId, clientId) and (tenantId, search.nameKeys) are what the services ask for. */
    static final int MAX_PREFIX = 2;
    /** A plan whose candidates are half the collection or more is no better than the scan. */
    private static final double MAX_CANDIDATE_SHARE = 0.5;
    /** Combinations of looked-up values beyond this are left to the scan. */
    private static final int MAX_LOOKUPS = 1_000;

    /** LOCAL_MONGO_SECONDARY_INDEXES=0: none built, as before (for benchmarks side by side). */
    static final boolean ENABLED = !"0".equals(System.getenv("LOCAL_MONGO_SECONDARY_INDEXES"));
    /** LOCAL_MONGO_UNIQUE_INDEXES_IN_MEMORY=0: unique indexes in H2's maps, as before. */
    static final boolean UNIQUE_IN_MEMORY = !"0".equals(System.getenv("LOCAL_MONGO_UNIQUE_INDEXES_IN_MEMORY"));
    static final boolean VERIFY = "1".equals(System.getenv("LOCAL_MONGO_VERIFY_INDEXES"));
    /** `db.runCommand({localIndexStats: 1})`: how many queries these indexes served (how many of them read in index order), how many the server planned itself (an exact-key unique index, or a scan), how many were verified against a scan and differed. */
    static final String STATS_COMMAND = "localIndexStats";
    static final AtomicLong PLANNED = new AtomicLong();
    static final AtomicLong IN_INDEX_ORDER = new AtomicLong();
    static final AtomicLong OWN_PLAN = new AtomicLong();
    static final AtomicLong VERIFIED = new AtomicLong();
    static final AtomicLong DIFFERENCES = new AtomicLong();

    private LocalSecondaryIndexes() {
    }

    static Document stats() {
        return new Document("enabled", ENABLED)
                .append("uniqueInMemory", UNIQUE_IN_MEMORY)
                .append("planned", PLANNED.get())
                .append("inIndexOrder", IN_INDEX_ORDER.get())
                .append("ownPlan", OWN_PLAN.get())
                .append("verify", VERIFY)
                .append("verified", VERIFIED.get())
                .append("differences", DIFFERENCES.get())
                .append("ok", 1.0);
    }

    /**
     * Values as the server compares them for equality: numbers as doubles (1, 1L and 1.0 are
     * equal), -0.0 as 0.0, documents and lists recursively (mongo-java-server's own normalisation,
     * which is not public).
     */
    static Object normalized(Object value) {
        if (Missing.isNullOrMissing(value)) {
            return null;
        }
        if (value instanceof Long && (Long) value != (long) ((Long) value).doubleValue()) {
            return value;
        }
        if (value instanceof Number) {
            double number = ((Number) value).doubleValue();
            return number == -0.0 ? 0.0 : number;
        }
        if (value instanceof Map<?, ?> map) {
            Document result = new Document();
            map.forEach((key, inner) -> result.put((String) key, normalized(inner)));
            return result;
        }
        if (value instanceof Collection<?> collection) {
            List<Object> result = new ArrayList<>(collection.size());
            collection.forEach(inner -> result.add(normalized(inner)));
            return result;
        }
        return value;
    }

    /** Query values whose equality is plain value equality (no arrays, subdocuments, regular expressions, null or binary). */
    static boolean isLookupValue(Object value) {
        return value instanceof String || value instanceof Boolean || value instanceof Instant || value instanceof Date
                || value instanceof ObjectId || value instanceof UUID
                || value instanceof Integer || value instanceof Long || value instanceof Double;
    }

    /**
     * A field's values in a document as a multikey index sees them: the elements of an array (and
     * the values of a field inside an array of subdocuments), else the value itself; null for missing.
     */
    static List<Object> indexedValuesOf(Document document, String key) {
        Object value = Utils.getSubdocumentValueCollectionAware(document, key);
        List<Object> values = new ArrayList<>();
        if (value instanceof Collection<?> collection) {
            for (Object element : collection) {
                values.add(normalized(element));
            }
        } else {
            values.add(normalized(value));
        }
        return values;
    }

    /** Whether a key path has a numeric part ("a.0.b"), which means an array position to the matcher: never planned. */
    static boolean hasPositionalPart(String key) {
        for (String part : Utils.splitPath(key)) {
            if (!part.isEmpty() && part.chars().allMatch(Character::isDigit)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The equality conditions of a query that every matching document satisfies: per field, lists of
     * values of which a matching document holds at least one. Read from the query's top level and
     * its $and (every condition there must hold, so leaving some out keeps a superset): `{f: v}`,
     * `{f: {$eq: v}}` and `{f: {$in: [...]}}` give one list; `{f: {$all: [a, b]}}` gives [a] and [b].
     */
    static Map<String, List<List<Object>>> equalitiesOf(Document query) {
        Map<String, List<List<Object>>> equalities = new LinkedHashMap<>();
        collectEqualities(query, equalities);
        return equalities;
    }

    private static void collectEqualities(Document query, Map<String, List<List<Object>>> equalities) {
        for (Map.Entry<String, Object> condition : query.entrySet()) {
            String field = condition.getKey();
            Object value = condition.getValue();
            if (field.equals("$and") && value instanceof Collection<?> clauses) {
                for (Object clause : clauses) {
                    if (clause instanceof Document document) {
                        collectEqualities(document, equalities);
                    }
                }
                continue;
            }
            if (field.startsWith("$")) {
                continue; // $or, $nor, $expr, …: they only narrow the answer further
            }
            if (isLookupValue(value)) {
                add(equalities, field, List.of(value));
            } else if (value instanceof Document operators && !operators.isEmpty() && operators.keySet().stream().allMatch(key -> key.startsWith("$"))) {
                Object eq = operators.get("$eq");
                if (isLookupValue(eq)) {
                    add(equalities, field, List.of(eq));
                }
                if (operators.get("$in") instanceof Collection<?> in && !in.isEmpty() && in.stream().allMatch(LocalSecondaryIndexes::isLookupValue)) {
                    add(equalities, field, new ArrayList<>(in));
                }
                if (operators.get("$all") instanceof Collection<?> all) {
                    for (Object element : all) {
                        if (isLookupValue(element)) {
                            add(equalities, field, List.of(element));
                        }
                    }
                }
            }
        }
    }

    private static void add(Map<String, List<List<Object>>> equalities, String field, List<Object> values) {
        equalities.computeIfAbsent(field, ignored -> new ArrayList<>()).add(values);
    }

    /** Every combination of one value list per key (bounded), as the lookups they give. */
    static List<List<List<Object>>> choices(List<String> keys, Map<String, List<List<Object>>> equalities) {
        List<List<List<Object>>> choices = new ArrayList<>();
        choices.add(new ArrayList<>());
        for (String key : keys) {
            List<List<Object>> alternatives = equalities.get(key);
            if (alternatives == null) {
                return List.of();
            }
            List<List<List<Object>>> next = new ArrayList<>();
            for (List<List<Object>> choice : choices) {
                for (List<Object> alternative : alternatives) {
                    List<List<Object>> extended = new ArrayList<>(choice);
                    extended.add(alternative);
                    next.add(extended);
                }
            }
            if (next.size() > 64) {
                return List.of();
            }
            choices = next;
        }
        return choices;
    }

    /** The lookups of one choice: the cartesian product of its value lists, normalised; null when too many. */
    static List<List<Object>> lookupsOf(List<List<Object>> choice) {
        List<List<Object>> lookups = new ArrayList<>();
        lookups.add(new ArrayList<>());
        for (List<Object> values : choice) {
            List<List<Object>> next = new ArrayList<>();
            for (List<Object> lookup : lookups) {
                for (Object value : values) {
                    List<Object> extended = new ArrayList<>(lookup);
                    extended.add(value);
                    next.add(extended);
                }
            }
            if (next.size() > MAX_LOOKUPS) {
                return null;
            }
            lookups = next;
        }
        return lookups;
    }

    /**
     * A non-unique index: per key value of its first key, and of its first two keys, the documents
     * holding it. Under the first two, the documents are kept in the order of the index's remaining
     * keys (e.g. sortName, _id), so a query asking for that order reads them in it and stops once
     * its page is full. Kept in memory and built again from the documents when the server starts
     * (the index definitions are in the server's files; what it holds is derived). Holds no
     * uniqueness and refuses no document (a MongoDB server refuses parallel arrays in a compound
     * index; the services never write them, and this server never refused them).
     */
    static final class SecondaryIndex<P> extends Index<P> {
        private final List<String> prefix;
        /** The keys after the prefix, which order the documents under a whole-prefix key. */
        private final List<IndexKey> rest;
        private final Map<Object, FirstKey> byFirst = new HashMap<>();
        private final Map<Object, P> positionsById = new HashMap<>();
        private final Comparator<Object> order;
        /** False once a document had no single plain value for one of the remaining keys: its place in a sort is then the server's to decide. */
        private boolean ordered;

        /** A document under a whole-prefix key: its values of the remaining keys (shared by all its keys), and its position. */
        record Entry<P>(Object[] rest, P position) {
        }

        /**
         * Under one value of the first key: the documents under it alone, and per value of the second
         * key the documents under both. A posting is one element alone (most keys: a client's own name
         * fragments) or a set of them, so a key costs a map entry, not a set.
         */
        private static final class FirstKey {
            Object posting;
            final Map<Object, Object> bySecond = new HashMap<>();
        }

        SecondaryIndex(String name, List<IndexKey> keys, boolean sparse) {
            super(name, keys, sparse);
            List<String> names = keys.stream().map(IndexKey::getKey).toList();
            this.prefix = names.subList(0, Math.min(MAX_PREFIX, names.size()));
            this.rest = keys.subList(prefix.size(), keys.size());
            // The remaining keys must end in _id for the order to be total (no ties for the server's stable sort to break).
            this.ordered = !rest.isEmpty() && rest.get(rest.size() - 1).getKey().equals("_id")
                    && rest.stream().noneMatch(key -> hasPositionalPart(key.getKey()));
            this.order = (left, right) -> {
                Entry<?> a = (Entry<?>) left;
                Entry<?> b = (Entry<?>) right;
                for (int i = 0; i < rest.size(); i++) {
                    int compared = (rest.get(i).isAscending() ? ValueComparator.asc() : ValueComparator.desc()).compare(a.rest()[i], b.rest()[i]);
                    if (compared != 0) {
                        return compared;
                    }
                }
                return ValueComparator.asc().compare(a.position(), b.position());
            };
        }

        /** Whether queries on these leading keys can be looked up. */
        boolean plannable(int length) {
            return length <= prefix.size() && prefix.subList(0, length).stream().noneMatch(LocalSecondaryIndexes::hasPositionalPart);
        }

        List<String> prefixKeys() {
            return prefix;
        }

        /** The posting of a lookup of one or two (normalised) values: Entry elements for the whole prefix, positions for a shorter one. */
        private Object postingOf(List<Object> lookup) {
            FirstKey first = byFirst.get(lookup.get(0));
            if (first == null) {
                return null;
            }
            return lookup.size() == 1 ? first.posting : first.bySecond.get(lookup.get(1));
        }

        private boolean isWhole(List<Object> lookup) {
            return lookup.size() == prefix.size();
        }

        int size(List<Object> lookup) {
            Object posting = postingOf(lookup);
            return posting == null ? 0 : posting instanceof Set<?> set ? set.size() : 1;
        }

        @SuppressWarnings("unchecked")
        void addPositions(List<Object> lookup, Collection<P> into) {
            Object posting = postingOf(lookup);
            boolean entries = isWhole(lookup);
            if (posting instanceof Set<?> set) {
                set.forEach(element -> into.add(entries ? ((Entry<P>) element).position() : (P) element));
            } else if (posting != null) {
                into.add(entries ? ((Entry<P>) posting).position() : (P) posting);
            }
        }

        /**
         * The documents under a whole-prefix key in the order a sort asks for, when it asks for
         * exactly the remaining keys (all in the index's directions, or all reversed); else null.
         */
        @SuppressWarnings("unchecked")
        Iterator<P> inOrder(List<Object> lookup, Document orderBy) {
            if (!ordered || !isWhole(lookup) || orderBy == null || orderBy.size() != rest.size()) {
                return null;
            }
            List<String> sortKeys = new ArrayList<>(orderBy.keySet());
            Boolean reversed = null;
            for (int i = 0; i < rest.size(); i++) {
                if (!sortKeys.get(i).equals(rest.get(i).getKey()) || !(orderBy.get(sortKeys.get(i)) instanceof Number direction)) {
                    return null;
                }
                boolean same = (direction.doubleValue() > 0) == rest.get(i).isAscending();
                if (reversed != null && reversed == same) {
                    return null;
                }
                reversed = !same;
            }
            Object posting = postingOf(lookup);
            if (posting == null) {
                return Collections.emptyIterator();
            }
            if (!(posting instanceof TreeSet<?> set)) {
                return List.of(((Entry<P>) posting).position()).iterator();
            }
            Iterator<?> walk = reversed ? set.descendingIterator() : set.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return walk.hasNext();
                }

                @Override
                public P next() {
                    return ((Entry<P>) walk.next()).position();
                }
            };
        }

        /** The distinct (normalised) values of a document for each prefix key, in the prefix's order. */
        private List<Set<Object>> prefixValuesOf(Document document) {
            List<Set<Object>> values = new ArrayList<>(prefix.size());
            for (String key : prefix) {
                values.add(new LinkedHashSet<>(indexedValuesOf(document, key)));
            }
            return values;
        }

        private Object[] restOf(Document document) {
            Object[] values = new Object[rest.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = normalized(Utils.getSubdocumentValueCollectionAware(document, rest.get(i).getKey()));
            }
            return values;
        }

        /** Missing, null, an array or a subdocument: sorted by rules this index does not follow. */
        private static boolean plainValues(Object[] values) {
            for (Object value : values) {
                if (value == null || value instanceof Collection || value instanceof Map) {
                    return false;
                }
            }
            return true;
        }

        private boolean same(Object a, Object b, boolean entries) {
            return entries ? order.compare(a, b) == 0 : a.equals(b);
        }

        private Object plus(Object posting, Object element, boolean entries) {
            if (posting == null) {
                return element;
            }
            if (posting instanceof Set<?> set) {
                @SuppressWarnings("unchecked")
                Set<Object> elements = (Set<Object>) set;
                elements.add(element);
                return elements;
            }
            if (same(posting, element, entries)) {
                return posting;
            }
            Set<Object> elements = entries ? new TreeSet<>(order) : new HashSet<>();
            elements.add(posting);
            elements.add(element);
            return elements;
        }

        /** The posting without the element: null when nothing is left, the last element alone when one is. */
        private Object minus(Object posting, Object element, boolean entries) {
            if (posting instanceof Set<?> set) {
                set.remove(element);
                return set.isEmpty() ? null : set.size() == 1 ? set.iterator().next() : set;
            }
            return posting == null || same(posting, element, entries) ? null : posting;
        }

        private static Object idOf(Document document) {
            return normalized(document.get("_id"));
        }

        @Override
        public P getPosition(Document document) {
            return positionsById.get(idOf(document));
        }

        @Override
        public void checkAdd(Document document, MongoCollection<P> collection) {
            // not unique: nothing to refuse
        }

        @Override
        public void add(Document document, P position, MongoCollection<P> collection) {
            add(document, position, prefixValuesOf(document), restOf(document));
        }

        private void add(Document document, P position, List<Set<Object>> values, Object[] restValues) {
            positionsById.put(idOf(document), position);
            Entry<P> entry = new Entry<>(restValues, position);
            boolean firstIsWhole = prefix.size() == 1;
            for (Object firstValue : values.get(0)) {
                FirstKey first = byFirst.computeIfAbsent(firstValue, ignored -> new FirstKey());
                first.posting = plus(first.posting, firstIsWhole ? entry : position, firstIsWhole);
                if (!firstIsWhole) {
                    for (Object secondValue : values.get(1)) {
                        first.bySecond.put(secondValue, plus(first.bySecond.get(secondValue), entry, true));
                    }
                }
            }
            if (ordered && !plainValues(entry.rest())) {
                ordered = false; // for good: the order of its whole-prefix keys is no longer the server's
            }
        }

        @Override
        public P remove(Document document) {
            return remove(document, prefixValuesOf(document), restOf(document));
        }

        private P remove(Document document, List<Set<Object>> values, Object[] restValues) {
            P position = positionsById.remove(idOf(document));
            if (position == null) {
                return null;
            }
            Entry<P> entry = new Entry<>(restValues, position);
            boolean firstIsWhole = prefix.size() == 1;
            for (Object firstValue : values.get(0)) {
                FirstKey first = byFirst.get(firstValue);
                if (first == null) {
                    continue;
                }
                first.posting = minus(first.posting, firstIsWhole ? entry : position, firstIsWhole);
                if (!firstIsWhole) {
                    for (Object secondValue : values.get(1)) {
                        Object left = minus(first.bySecond.get(secondValue), entry, true);
                        if (left == null) {
                            first.bySecond.remove(secondValue);
                        } else {
                            first.bySecond.put(secondValue, left);
                        }
                    }
                }
                if (first.posting == null && first.bySecond.isEmpty()) {
                    byFirst.remove(firstValue);
                }
            }
            return position;
        }

        /** Never chosen by the server's own planner (exact key sets only): IndexedH2Collection plans with it. */
        @Override
        public boolean canHandle(Document query) {
            return false;
        }

        @Override
        public Iterable<P> getPositions(Document query) {
            throw new UnsupportedOperationException("planned by LocalSecondaryIndexes.plan");
        }

        @Override
        public long getCount() {
            return positionsById.size();
        }

        @Override
        public long getDataSize() {
            return positionsById.size();
        }

        @Override
        public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<P> collection) {
            // not unique: nothing to refuse
        }

        @Override
        public void updateInPlace(Document oldDocument, Document newDocument, P position, MongoCollection<P> collection) {
            // Each document's keys are read once: for the comparison, then for the move.
            List<Set<Object>> oldValues = prefixValuesOf(oldDocument);
            List<Set<Object>> newValues = prefixValuesOf(newDocument);
            Object[] oldRest = restOf(oldDocument);
            Object[] newRest = restOf(newDocument);
            if (oldValues.equals(newValues) && Arrays.equals(oldRest, newRest) && Objects.equals(idOf(oldDocument), idOf(newDocument))) {
                return;
            }
            remove(oldDocument, oldValues, oldRest);
            add(newDocument, position, newValues, newRest);
        }

        @Override
        public void drop() {
            byFirst.clear();
            positionsById.clear();
        }
    }

    /**
     * A unique index in a hash map instead of H2's MVMap. H2 orders the index's keys (KeyValue, a
     * class it does not know) by comparing their Java serialisations, so every look-up and every
     * insert serialised a key per step of a B-tree search: with it an `insertMany` of 64 data keys
     * took twice as long as without the unique index. Built again from the documents on start, as
     * the secondary indexes are. Its entries are listed in H2's order where the server iterates
     * them (a regular expression on the index's key), so no answer's order changes.
     */
    static final class InMemoryUniqueIndex extends AbstractUniqueIndex<Object> {
        private static final ObjectDataType H2_ORDER = new ObjectDataType();
        private final Map<KeyValue, Object> positions = new HashMap<>();

        InMemoryUniqueIndex(String name, List<IndexKey> keys, boolean sparse) {
            super(name, keys, sparse);
        }

        @Override
        protected Object removeDocument(KeyValue keyValue) {
            return positions.remove(keyValue);
        }

        @Override
        protected boolean putKeyPosition(KeyValue keyValue, Object position) {
            return positions.putIfAbsent(keyValue, position) == null;
        }

        @Override
        protected Object getPosition(KeyValue keyValue) {
            return positions.get(keyValue);
        }

        @Override
        protected Iterable<Map.Entry<KeyValue, Object>> getIterable() {
            List<Map.Entry<KeyValue, Object>> entries = new ArrayList<>(positions.entrySet());
            entries.sort((a, b) -> H2_ORDER.compare(a.getKey(), b.getKey()));
            return entries;
        }

        @Override
        public long getCount() {
            return positions.size();
        }

        @Override
        public boolean isEmpty() {
            return positions.isEmpty();
        }

        @Override
        public long getDataSize() {
            return positions.size();
        }

        @Override
        public void drop() {
            positions.clear();
        }
    }

    /** How a query is answered: candidates to match, sort and page as after a scan, or documents already in the asked order. */
    record Plan<P>(Collection<P> candidates, Iterator<P> inOrder) {
    }

    /**
     * The plan of a query, or null for the server's own (a unique index whose keys are exactly the
     * query's, else a scan): the cheapest lookup of an index whose every looked-up key has an
     * equality in the query, if it reads less than half the collection; or, when the query asks for
     * a page in the order of an index's remaining keys, a walk of that index in that order, which
     * stops at the end of the page.
     */
    static <P> Plan<P> plan(List<Index<P>> indexes, Document query, Document orderBy, int wanted, int documents) {
        Map<String, List<List<Object>>> equalities = null;
        Runnable best = null;
        long bestCost = (long) Math.ceil(documents * MAX_CANDIDATE_SHARE);
        Set<P> candidates = new LinkedHashSet<>();
        Iterator<P> walk = null;
        long walkSize = Long.MAX_VALUE;
        for (Index<P> index : indexes) {
            if (index.canHandle(query)) {
                return null; // the server's own exact-key plan
            }
            if (equalities == null) {
                equalities = equalitiesOf(query);
                if (equalities.isEmpty()) {
                    return null;
                }
            }
            if (index instanceof AbstractUniqueIndex<P> unique) {
                List<String> keys = unique.getKeys().stream().map(IndexKey::getKey).toList();
                if (keys.stream().anyMatch(LocalSecondaryIndexes::hasPositionalPart)) {
                    continue;
                }
                for (List<List<Object>> choice : choices(keys, equalities)) {
                    List<List<Object>> lookups = lookupsOf(choice);
                    if (lookups == null || lookups.size() >= bestCost) {
                        continue;
                    }
                    bestCost = lookups.size();
                    best = () -> {
                        for (List<Object> lookup : lookups) {
                            Document exact = new Document();
                            for (int i = 0; i < keys.size(); i++) {
                                exact.put(keys.get(i), lookup.get(i));
                            }
                            unique.getPositions(exact).forEach(candidates::add);
                        }
                    };
                }
            } else if (index instanceof SecondaryIndex<P> secondary) {
                List<String> prefix = secondary.prefixKeys();
                for (int length = prefix.size(); length >= 1; length--) {
                    if (!secondary.plannable(length)) {
                        continue;
                    }
                    for (List<List<Object>> choice : choices(prefix.subList(0, length), equalities)) {
                        List<List<Object>> lookups = lookupsOf(choice);
                        if (lookups == null) {
                            continue;
                        }
                        List<List<Object>> normalizedLookups = lookups.stream()
                                .map(lookup -> lookup.stream().map(LocalSecondaryIndexes::normalized).toList())
                                .toList();
                        long cost = 0;
                        for (List<Object> lookup : normalizedLookups) {
                            cost += secondary.size(lookup);
                        }
                        if (normalizedLookups.size() == 1 && cost < walkSize) {
                            Iterator<P> inOrder = secondary.inOrder(normalizedLookups.get(0), orderBy);
                            if (inOrder != null) {
                                walk = inOrder;
                                walkSize = cost;
                            }
                        }
                        if (cost >= bestCost) {
                            continue;
                        }
                        bestCost = cost;
                        best = () -> normalizedLookups.forEach(lookup -> secondary.addPositions(lookup, candidates));
                    }
                }
            }
        }
        // A page in index order reads at least its own length; fetching a few candidates and sorting them is cheaper still.
        if (walk != null && wanted > 0 && (best == null || bestCost > 4L * wanted)) {
            return new Plan<>(null, walk);
        }
        if (best == null) {
            return null;
        }
        best.run();
        return new Plan<>(candidates, null);
    }

    /**
     * The H2 backend's collection, planning its queries with {@link #plan}; candidates are read in
     * the data map's order, which is the order of its scan.
     */
    static final class IndexedH2Collection extends H2Collection {
        private final MVMap<Object, Document> dataMap;

        IndexedH2Collection(MongoDatabase database, String collectionName, CollectionOptions options,
                            MVMap<Object, Document> dataMap, MVMap<String, Object> metaMap, CursorRegistry cursorRegistry) {
            super(database, collectionName, options, dataMap, metaMap, cursorRegistry);
            this.dataMap = dataMap;
        }

        @Override
        protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize,
                                             Document fieldSelector) {
            boolean natural = orderBy != null && orderBy.containsKey("$natural");
            int wanted = limit > 0 ? numberToSkip + limit : 0;
            Plan<Object> plan = natural ? null : plan(getIndexes(), query, orderBy, wanted, count());
            if (plan == null) {
                OWN_PLAN.incrementAndGet();
                return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
            }
            PLANNED.incrementAndGet();
            if (plan.inOrder() != null) {
                IN_INDEX_ORDER.incrementAndGet();
            }
            if (!VERIFY) {
                return answer(plan, query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
            }
            // Both answers whole (no cursor), compared, then batched as the server would have.
            List<Document> planned = answer(plan, query, orderBy, numberToSkip, limit, 0, fieldSelector).collectDocuments();
            List<Document> scanned = super.queryDocuments(query, orderBy, numberToSkip, limit, 0, fieldSelector).collectDocuments();
            VERIFIED.incrementAndGet();
            if (planned.equals(scanned)) {
                return createQueryResult(new ArrayList<>(planned), batchSize);
            }
            DIFFERENCES.incrementAndGet();
            // Only counts and names: documents and queries hold personal data.
            System.err.println("LocalMongoServer: INDEX PLAN DIFFERS from the scan in " + getFullName() + " (query fields "
                    + query.keySet() + ", " + (plan.inOrder() != null ? "index order" : "candidates") + "): "
                    + planned.size() + " planned, " + scanned.size() + " scanned");
            return createQueryResult(new ArrayList<>(scanned), batchSize);
        }

        private QueryResult answer(Plan<Object> plan, Document query, Document orderBy, int numberToSkip, int limit, int batchSize,
                                   Document fieldSelector) {
            if (plan.inOrder() != null) {
                // Already in the asked order: matched lazily, so the walk stops once skip + limit documents matched.
                Stream<Document> documents = StreamSupport.stream(Spliterators.spliteratorUnknownSize(plan.inOrder(), Spliterator.ORDERED), false)
                        .map(this::getDocument);
                return matchDocumentsFromStream(query, documents, numberToSkip, limit, batchSize, null, fieldSelector);
            }
            List<Object> positions = new ArrayList<>(plan.candidates());
            positions.sort((a, b) -> dataMap.getKeyType().compare(Missing.ofNullable(a), Missing.ofNullable(b)));
            return matchDocuments(query, positions, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }
    }
}
