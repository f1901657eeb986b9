package io.weft.examples;

import io.weft.api.Dataset;
import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.SerializableComparator;
import io.weft.api.StatCounter;
import io.weft.api.WeftSession;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Sessionization of a click log, ported from a Spark {@code JavaRDD} job with import and type-name changes only
 * (docs/api.md shows the two side by side): {@code JavaSparkContext} became {@link WeftSession},
 * {@code JavaRDD}/{@code JavaPairRDD}/{@code Tuple2} became {@link Dataset}/{@link PairDataset}/{@link Pair},
 * {@code Iterable} in a grouped value became {@code List}, and a {@code Comparator} that is {@code Serializable}
 * became a {@link SerializableComparator}.
 *
 * <p>Each input line is {@code user<TAB>epochSeconds<TAB>page}; lines starting with {@code #} are comments. A user's
 * clicks with gaps of at most 30 minutes form one visit. The job writes every visit, ordered by start time, and
 * returns the three most common entry pages and the visits' duration statistics.
 */
public final class Sessionize {

    /** The longest gap, in seconds, between two clicks of one visit. */
    static final long GAP_SECONDS = 30 * 60;

    private Sessionize() {
    }

    /**
     * One visit.
     *
     * @param user who
     * @param start first click, epoch seconds
     * @param end last click, epoch seconds
     * @param entryPage the first page
     * @param clicks how many clicks
     */
    public record Visit(String user, long start, long end, String entryPage, int clicks) implements Serializable {

        /** @return the visit's length in seconds */
        public double seconds() {
            return end - start;
        }

        @Override
        public String toString() {
            return user + "\t" + start + "\t" + end + "\t" + entryPage + "\t" + clicks;
        }
    }

    /**
     * What the job reports besides the visits it writes.
     *
     * @param topEntries the most common entry pages with their counts, most common first
     * @param durations statistics of the visits' lengths in seconds
     */
    public record Summary(List<Pair<String, Long>> topEntries, StatCounter durations) {
    }

    /** Most visits first, then by page name, so ties come out in a fixed order. */
    static final class ByCountDesc implements SerializableComparator<Pair<String, Long>> {
        private static final long serialVersionUID = 1L;

        @Override
        public int compare(Pair<String, Long> a, Pair<String, Long> b) {
            int byCount = Long.compare(b._2(), a._2());
            return byCount != 0 ? byCount : a._1().compareTo(b._1());
        }
    }

    /**
     * @param args input path, output directory (must not exist); with no arguments, a generated log in a
     *     temporary directory
     * @throws IOException when the generated log cannot be written
     */
    public static void main(String[] args) throws IOException {
        String input;
        String output;
        if (args.length >= 2) {
            input = args[0];
            output = args[1];
        } else {
            Path dir = Files.createTempDirectory("weft-sessionize");
            writeLog(dir.resolve("clicks.tsv"), 500, 20_000, 42);
            input = dir.resolve("clicks.tsv").toString();
            output = dir.resolve("visits").toString();
        }
        try (WeftSession weft = WeftSession.builder().appName("sessionize").getOrCreate()) {
            Summary summary = run(weft, input, output, 4);
            System.out.println("Top entry pages: " + summary.topEntries());
            System.out.println("Visit lengths (s): " + summary.durations());
            System.out.println("Visits written to " + output);
        }
    }

    /**
     * The job.
     *
     * @param weft the session
     * @param input the click log
     * @param output where the visits go
     * @param partitions how many partitions to group and sort into
     * @return the top entry pages and duration statistics
     */
    public static Summary run(WeftSession weft, String input, String output, int partitions) {
        Dataset<String> lines = weft.textFile(input);
        PairDataset<String, Pair<Long, String>> events = lines.filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .mapToPair(l -> {
                    String[] f = l.split("\t");
                    return new Pair<>(f[0], new Pair<>(Long.parseLong(f[1]), f[2]));
                });
        PairDataset<String, List<Pair<Long, String>>> byUser = events.groupByKey(partitions);
        Dataset<Visit> visits = byUser.flatMap(u -> split(u._1(), u._2()).iterator());
        visits.cache();

        PairDataset<String, Long> entries = visits.mapToPair(v -> new Pair<>(v.entryPage(), 1L))
                .reduceByKey((a, b) -> a + b);
        List<Pair<String, Long>> topEntries = entries.takeOrdered(3, new ByCountDesc());
        StatCounter durations = visits.mapToDouble(Visit::seconds).stats();
        visits.sortBy(Visit::start, true, partitions).map(Visit::toString).saveAsTextFile(output);
        visits.unpersist();
        return new Summary(topEntries, durations);
    }

    /**
     * Cuts one user's clicks into visits.
     *
     * @param user the user
     * @param clicks the clicks, in any order: (epoch seconds, page)
     * @return the visits, in time order
     */
    static List<Visit> split(String user, Iterable<Pair<Long, String>> clicks) {
        List<Pair<Long, String>> sorted = new ArrayList<>();
        clicks.forEach(sorted::add);
        sorted.sort((a, b) -> a._1().equals(b._1()) ? a._2().compareTo(b._2()) : Long.compare(a._1(), b._1()));
        List<Visit> visits = new ArrayList<>();
        int first = 0;
        for (int i = 1; i <= sorted.size(); i++) {
            if (i == sorted.size() || sorted.get(i)._1() - sorted.get(i - 1)._1() > GAP_SECONDS) {
                visits.add(new Visit(user, sorted.get(first)._1(), sorted.get(i - 1)._1(), sorted.get(first)._2(),
                        i - first));
                first = i;
            }
        }
        return visits;
    }

    /**
     * Writes a deterministic click log: users click in bursts separated by gaps, some longer than a visit's.
     *
     * @param file the log
     * @param users how many users
     * @param clicks how many clicks in all
     * @param seed the random seed
     * @throws IOException when the file cannot be written
     */
    public static void writeLog(Path file, int users, int clicks, long seed) throws IOException {
        Random random = new Random(seed);
        long[] clock = new long[users];
        StringBuilder out = new StringBuilder("# user\tepochSeconds\tpage\n");
        for (int c = 0; c < clicks; c++) {
            int u = (int) Math.min(users - 1, Math.abs(random.nextGaussian()) * users / 3);
            clock[u] += random.nextInt(10) == 0 ? GAP_SECONDS + random.nextInt(7200) : random.nextInt(600);
            out.append("user").append(u).append('\t').append(1_700_000_000L + clock[u]).append('\t')
                    .append("/page/").append(random.nextInt(25)).append('\n');
        }
        Files.writeString(file, out, StandardCharsets.UTF_8);
    }
}
