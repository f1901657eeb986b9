package io.weft.runtime.spill;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Pair;
import io.weft.api.lineage.Aggregator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link CombineMap} against a {@code HashMap} doing the same sums, with keys chosen to stress the packed short
 * strings: every length around the packing limit, characters at 0, 255 and above, hash collisions, {@code null},
 * and keys of other types mixed in.
 */
@Timeout(60)
class CombineMapTest {

    private static final Aggregator<Long, Long> SUM = new Aggregator<>(v -> v, Long::sum, Long::sum);

    private static List<Object> trickyKeys() {
        List<Object> keys = new ArrayList<>(List.of("", "a", "ab", "abcdefg", "abcdefgh", "abcdefghi",
                "abcdefghijklmn", "abcdefghijklmno", "abcdefghijklmnop", "abcdefg\0", "abcdefg\0\0",
                "abcdefghijklmn\u00ff", "abcdefghijklmn\u0100",
                "\0", "\0\0", "a\0", "\0a", "\u00ff", "\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff",
                "\u0100", "ab\u20ac", "\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac",
                // equal String hash codes, different strings, all short enough to pack
                "Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa", "xxxxxxxAaAa", "xxxxxxxBBBB",
                1L, 2, 'a'));
        keys.add(null);
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            int length = random.nextInt(18);
            StringBuilder word = new StringBuilder(length);
            for (int c = 0; c < length; c++) {
                // mostly ASCII letters, sometimes a Latin-1 or a wider character
                int roll = random.nextInt(100);
                word.append(roll < 90 ? (char) ('a' + random.nextInt(26))
                        : roll < 97 ? (char) (128 + random.nextInt(128)) : (char) (256 + random.nextInt(5000)));
            }
            keys.add(word.toString());
        }
        return keys;
    }

    @Test
    void sumsMatchAHashMapForShortLongWideAndCollidingKeys() {
        List<Object> keys = trickyKeys();
        CombineMap<Object, Long> map = new CombineMap<>();
        Map<Object, Long> expected = new HashMap<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            // a fresh copy of a string key, so equality cannot rest on identity
            Object key = keys.get(random.nextInt(keys.size()));
            Object probe = key instanceof String s ? new String(s.toCharArray()) : key;
            long value = random.nextInt(1000);
            map.combine(probe, value, SUM, false);
            expected.merge(key, value, Long::sum);
        }
        Map<Object, Long> actual = new HashMap<>();
        map.iterator().forEachRemaining(p -> assertThat(actual.put(p.key(), p.value())).isNull());
        assertThat(actual).isEqualTo(expected);
        assertThat(map.size()).isEqualTo(expected.size());
        for (Object key : keys) {
            Object probe = key instanceof String s ? new String(s.toCharArray()) : key;
            assertThat(map.get(probe)).isEqualTo(expected.get(key));
        }
        assertThat(map.get("not a key")).isNull();
        assertThat(map.get("zzzzzzz")).isNull();
    }

    @Test
    void batchesGiveTheSameCombinersAsOneRecordAtATime() {
        List<Object> keys = trickyKeys();
        CombineMap<Object, Long> batched = new CombineMap<>();
        CombineMap<Object, Long> single = new CombineMap<>();
        SplittableRandom random = new SplittableRandom(11);
        RecordBatch batch = new RecordBatch();
        Object[] batchKeys = batch.keys;
        Object[] batchValues = batch.values;
        Object[] combined = batch.combined;
        for (int round = 0; round < 10_000; round++) {
            // batches of every size, the same key often twice in one batch, the map growing mid-batch
            int n = 1 + random.nextInt(CombineMap.BATCH);
            for (int i = 0; i < n; i++) {
                Object key = keys.get(random.nextInt(random.nextBoolean() ? 40 : keys.size()));
                batchKeys[i] = key instanceof String s ? new String(s.toCharArray()) : key;
                batchValues[i] = (long) random.nextInt(1000);
            }
            batch.size = n;
            batched.combineBatch(batch, SUM, false);
            for (int i = 0; i < n; i++) {
                Long expected = single.combine(batchKeys[i], batchValues[i], SUM, false);
                assertThat(combined[i]).as("record %d of batch %d", i, round).isEqualTo(expected);
            }
        }
        Map<Object, Long> fromBatches = new HashMap<>();
        batched.iterator().forEachRemaining(p -> assertThat(fromBatches.put(p.key(), p.value())).isNull());
        Map<Object, Long> fromSingles = new HashMap<>();
        single.iterator().forEachRemaining(p -> fromSingles.put(p.key(), p.value()));
        assertThat(fromBatches).isEqualTo(fromSingles).hasSizeGreaterThan(10_000);
    }

    @Test
    void drainingOrdersByTheKeysOwnHashWhetherPackedOrNot() {
        CombineMap<Object, Long> map = new CombineMap<>();
        for (Object key : trickyKeys()) {
            map.combine(key, 1L, SUM, false);
        }
        int size = map.size();
        Object[][] drained = map.drainSortedByHash();
        assertThat(drained[0]).hasSize(size);
        int previous = Integer.MIN_VALUE;
        for (Object key : drained[0]) {
            int hash = ExternalAggregator.hash(key);
            assertThat(hash).isGreaterThanOrEqualTo(previous);
            previous = hash;
        }
        assertThat(map.size()).isZero();
        map.combine("again", 5L, SUM, false);
        assertThat(map.get("again")).isEqualTo(5L);
    }

    @Test
    void aCombinerThatStopsBeingALongIsKeptForAPackedKey() {
        Aggregator<Object, Object> mixed = new Aggregator<>(v -> v,
                (c, v) -> c instanceof Long l && l > 1 ? "many" : v, (a, b) -> a);
        CombineMap<String, Object> map = new CombineMap<>();
        map.combine("k", 1L, mixed, false);
        map.combine("k", 2L, mixed, false);
        assertThat(map.get("k")).isEqualTo(2L);
        map.combine("k", 3L, mixed, false);
        assertThat(map.get("k")).isEqualTo("many");
        List<Pair<String, Object>> all = new ArrayList<>();
        map.iterator().forEachRemaining(all::add);
        assertThat(all).containsExactly(Pair.of("k", "many"));
    }
}
