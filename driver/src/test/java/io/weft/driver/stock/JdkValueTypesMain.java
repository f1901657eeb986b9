package io.weft.driver.stock;

import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.WeftSession;
import java.io.File;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Currency;
import java.util.Date;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * A program that puts the JDK's serializable value types in datasets: as keys of a shuffle, as values, as captured
 * closure values and as task results. Run on a stock JVM (no {@code --add-opens}) by {@code StockJvmTest}; it
 * prints {@code OK <n>} and exits 0 when every value came back equal, otherwise prints what differed and exits 1.
 */
public final class JdkValueTypesMain {

    private JdkValueTypesMain() {
    }

    /** How a value is compared after its round trip: types without value equality compare a rendering. */
    static String render(Object value) {
        if (value instanceof AtomicLong || value instanceof AtomicInteger || value instanceof AtomicBoolean
                || value instanceof LongAdder) {
            return value.getClass().getSimpleName() + "=" + value;
        }
        if (value instanceof AtomicReference<?> r) {
            return "AtomicReference=" + render(r.get());
        }
        if (value instanceof Pattern p) {
            return "Pattern=" + p.pattern() + "/" + p.flags();
        }
        if (value instanceof StringBuilder sb) {
            return "StringBuilder=" + sb;
        }
        if (value instanceof Object[] array) {
            List<String> parts = new ArrayList<>();
            for (Object element : array) {
                parts.add(render(element));
            }
            return "Array" + parts;
        }
        return String.valueOf(value);
    }

    enum Color { RED, GREEN }

    record Row(UUID id, URI uri, AtomicLong counter) implements Serializable {
    }

    static List<Object> values() throws Exception {
        List<Object> values = new ArrayList<>(List.of(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
                new AtomicLong(42), new AtomicInteger(7), new AtomicBoolean(true), new AtomicReference<>("ref"),
                URI.create("hdfs://nn:8020/data?x=1#frag"), new URL("http://example.com:8080/a/b?c=d"),
                new BigDecimal("12345.6789"), new BigInteger("98765432109876543210"),
                Instant.ofEpochSecond(1_700_000_000L, 123), LocalDate.of(2026, 12, 2),
                LocalDateTime.of(2026, 12, 2, 3, 4, 5), ZonedDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneId.of("UTC")),
                Duration.ofMillis(1234), Period.ofDays(3), ZoneId.of("Europe/Paris"), Locale.CANADA_FRENCH,
                Currency.getInstance("EUR"), new Date(1_700_000_000_000L), new java.sql.Timestamp(1_700_000_000_123L),
                java.sql.Date.valueOf("2026-12-02"), Optional.of("x"), Optional.empty(), OptionalInt.of(5),
                Pattern.compile("a+b", Pattern.CASE_INSENSITIVE), new StringBuilder("built"),
                StandardCharsets.UTF_8, new File("/tmp/some file"), InetAddress.getByAddress("h", new byte[] {1, 2, 3,
                    4}), InetSocketAddress.createUnresolved("host", 80), Color.GREEN,
                EnumSet.of(Color.RED), new EnumMap<>(Map.of(Color.RED, 1)), new TreeMap<>(Map.of("a", 1)),
                new ConcurrentSkipListSet<>(List.of(3, 1, 2)), Collections.unmodifiableList(List.of(1, 2)),
                Collections.synchronizedMap(new TreeMap<>(Map.of("k", "v"))), Collections.singletonList("one"),
                List.of(1, 2, 3), Map.of("m", 1), new Object[] {UUID.randomUUID().toString(), 1}));
        BitSet bits = new BitSet();
        bits.set(3);
        bits.set(64);
        values.add(bits);
        LongAdder adder = new LongAdder();
        adder.add(9);
        values.add(adder);
        values.add(new Row(UUID.fromString("00000000-0000-0000-0000-000000000001"), URI.create("file:///x"),
                new AtomicLong(5)));
        return values;
    }

    /**
     * @param args ignored
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        if (Object.class.getModule().isOpen("java.util", JdkValueTypesMain.class.getModule())) {
            System.out.println("This JVM opens java.util to the class path: it is not a stock JVM");
            System.exit(2);
        }
        List<Object> values = values();
        List<String> expected = values.stream().map(JdkValueTypesMain::render).toList();
        UUID captured = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        URI capturedUri = URI.create("hdfs://nn/x");
        AtomicLong capturedCounter = new AtomicLong(3);
        List<String> problems = new ArrayList<>();
        try (WeftSession weft = WeftSession.builder().appName("stock-jvm").master(args.length > 0 ? args[0]
                : "local[2]").getOrCreate()) {
            // Values through a shuffle, keyed by a JDK type; the closure captures JDK values too.
            PairDataset<UUID, Object> keyed = weft.parallelize(values, 3).mapToPair(v -> Pair.of(
                    UUID.nameUUIDFromBytes(render(v).getBytes(StandardCharsets.UTF_8)), v));
            List<Pair<UUID, List<Object>>> grouped = keyed.groupByKey(2).collect();
            List<String> back = new ArrayList<>();
            for (Pair<UUID, List<Object>> group : grouped) {
                group.value().forEach(v -> back.add(render(v)));
            }
            if (!new java.util.TreeSet<>(back).equals(new java.util.TreeSet<>(expected))) {
                List<String> missing = new ArrayList<>(expected);
                missing.removeAll(back);
                problems.add("after a shuffle, missing or changed: " + missing);
            }
            // Values as task results, and closure captures of JDK types.
            List<String> results = weft.parallelize(values, 4).map(v -> render(v) + "|" + captured + "|"
                    + capturedUri + "|" + capturedCounter.get()).collect();
            for (int i = 0; i < values.size(); i++) {
                String want = expected.get(i) + "|" + captured + "|" + capturedUri + "|3";
                if (!Objects.equals(results.get(i), want)) {
                    problems.add("as a result: " + results.get(i) + " != " + want);
                }
            }
            List<Object> collected = weft.parallelize(values, 2).collect();
            for (int i = 0; i < values.size(); i++) {
                Object original = values.get(i);
                Object copy = collected.get(i);
                if (!render(copy).equals(expected.get(i))) {
                    problems.add("collected: " + render(copy) + " != " + expected.get(i));
                }
                // Unmodifiable wrappers and List.of/Map.of arrive as unmodifiable collections of another class.
                boolean wrapper = original.getClass().getName().startsWith("java.util.Collections$")
                        || original.getClass().getName().startsWith("java.util.ImmutableCollections$");
                if (!wrapper && copy.getClass() != original.getClass()) {
                    problems.add("collected a " + copy.getClass().getName() + " for a "
                            + original.getClass().getName());
                }
            }
        } catch (RuntimeException e) {
            e.printStackTrace(System.out);
            problems.add("job failed: " + e);
        }
        if (problems.isEmpty()) {
            System.out.println("OK " + values.size());
            System.exit(0);
        }
        problems.forEach(System.out::println);
        System.exit(1);
    }
}
