package io.weft.driver.session;

import io.weft.api.Broadcast;
import io.weft.api.JobFailedException;
import io.weft.api.LongAccumulator;
import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.WeftSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * An attached program for {@link SessionServiceTest}, run in a JVM of its own: {@code <endpoint file> <scenario>
 * <args...>}. Prints {@code KEY value} lines the test reads.
 */
public final class SessionClientMain {

    private SessionClientMain() {
    }

    /** Deterministic lines of words for a seed: the client counts them through the session, the test locally. */
    static List<String> lines(int seed) {
        List<String> lines = new ArrayList<>();
        java.util.Random random = new java.util.Random(seed);
        for (int i = 0; i < 400; i++) {
            StringBuilder line = new StringBuilder();
            for (int w = 0; w < 8; w++) {
                line.append("w").append(seed).append('-').append(random.nextInt(50)).append(' ');
            }
            lines.add(line.toString().trim());
        }
        return lines;
    }

    static Map<String, Integer> countLocally(List<String> lines) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String line : lines) {
            for (String word : line.split(" ")) {
                counts.merge(word, 1, Integer::sum);
            }
        }
        return counts;
    }

    public static void main(String[] args) throws Exception {
        WeftSession weft = WeftSession.builder().appName("session-client-" + args[1])
                .master(SessionFileEngineFactory.PREFIX + args[0]).getOrCreate();
        System.out.println("ATTACHED " + ((SessionClientEngine) weft.engine()).attachmentId());
        try {
            switch (args[1]) {
                case "wordcount" -> wordCount(weft, Integer.parseInt(args[2]));
                case "accbroadcast" -> accumulatorAndBroadcast(weft);
                case "fail" -> fail(weft);
                case "checkpoint" -> checkpoint(weft, args[2]);
                case "sort" -> sort(weft);
                case "hadoopio" -> hadoopIo(weft, args[2], args[3], args[4]);
                case "block" -> block(weft, args[2], args[3], args[4], false);
                case "blockAndCancel" -> block(weft, args[2], args[3], args[4], true);
                case "pool" -> namesItsPool(weft, args[2], args[3]);
                default -> throw new IllegalArgumentException(args[1]);
            }
        } finally {
            weft.close();
        }
        System.out.println("DONE");
    }

    private static void wordCount(WeftSession weft, int seed) {
        for (int job = 1; job <= 3; job++) {
            long start = System.nanoTime();
            Map<String, Integer> counts = new TreeMap<>(weft.parallelize(lines(seed), 4)
                    .flatMap(line -> Arrays.asList(line.split(" ")).iterator())
                    .mapToPair(word -> Pair.of(word, 1)).reduceByKey(Integer::sum, 3).collectAsMap());
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("JOB" + job + "_MS " + millis);
            System.out.println("COUNTS" + job + " " + counts);
        }
    }

    /** sortByKey's sampling, chosen in the program before its lineage travels, and take's path without the sort. */
    private static void sort(WeftSession weft) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            numbers.add((i * 7919) % 1000);
        }
        PairDataset<Integer, Integer> pairs = weft.parallelize(numbers, 4).mapToPair(i -> Pair.of(i, -i));
        System.out.println("TAKE " + pairs.sortByKey(false).take(3));
        PairDataset<Integer, Integer> sorted = pairs.sortByKey(true, 3);
        List<Integer> keys = sorted.keys().collect();
        System.out.println("SORTED " + keys.equals(numbers.stream().sorted().toList()) + " " + keys.size());
        System.out.println("TAKE_AFTER_COLLECT " + sorted.take(2));
        // A persisted sort that no job has needed: unpersisting sends its lineage with the sample still unchosen.
        PairDataset<Integer, Integer> unsampled = pairs.sortByKey(true);
        unsampled.cache();
        unsampled.unpersist();
        System.out.println("UNPERSISTED true");
    }

    private static void accumulatorAndBroadcast(WeftSession weft) {
        LongAccumulator sum = weft.longAccumulator("sum");
        Broadcast<Integer> factor = weft.broadcast(7);
        List<Integer> numbers = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            numbers.add(i);
        }
        weft.parallelize(numbers, 4).foreach(x -> sum.add((long) x * factor.value()));
        System.out.println("ACC1 " + sum.value());
        weft.parallelize(numbers, 2).foreach(x -> sum.add(1));
        System.out.println("ACC2 " + sum.value());
        System.out.println("BROADCAST_LOCAL " + factor.value());
        List<Integer> viaBroadcast = weft.parallelize(List.of(1, 2, 3), 3).map(x -> x * factor.value()).collect();
        System.out.println("BROADCAST_REMOTE " + viaBroadcast);
    }

    /**
     * Names a pool of its own choosing, then runs a shuffle job on this thread and a job on a thread it starts
     * (which inherits the pool), both described {@code description}.
     */
    private static void namesItsPool(WeftSession weft, String pool, String description) throws Exception {
        weft.setLocalProperty(WeftSession.SCHEDULER_POOL, pool);
        weft.setJobDescription(description);
        List<Integer> numbers = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            numbers.add(i);
        }
        System.out.println("SUMS " + new TreeMap<>(weft.parallelize(numbers, 4).mapToPair(x -> Pair.of(x % 3, x))
                .reduceByKey(Integer::sum, 2).collectAsMap()));
        CompletableFuture<Long> counted = new CompletableFuture<>();
        Thread child = new Thread(() -> {
            try {
                counted.complete(weft.parallelize(numbers, 2).filter(x -> x % 2 == 0).count());
            } catch (Throwable t) {
                counted.completeExceptionally(t);
            }
        }, "pool-child");
        child.start();
        System.out.println("COUNT " + counted.get());
        System.out.println("POOL_AS_SET " + weft.getLocalProperty(WeftSession.SCHEDULER_POOL));
    }

    private static void hadoopIo(WeftSession weft, String in, String outText, String outSequence) {
        System.out.println("TEXT_COUNT " + weft.textFile(in, 2).count());
        System.out.println("HADOOP_COUNT " + weft.hadoopFile(in, org.apache.hadoop.mapred.TextInputFormat.class,
                org.apache.hadoop.io.LongWritable.class, org.apache.hadoop.io.Text.class)
                .map(p -> p.value().toString()).filter(l -> l.startsWith("line")).count());
        weft.textFile(in).map(String::toUpperCase).saveAsTextFile(outText);
        weft.textFile(in).mapToPair(l -> Pair.of(new org.apache.hadoop.io.Text(l),
                new org.apache.hadoop.io.IntWritable(l.length()))).saveAsNewAPIHadoopFile(outSequence,
                org.apache.hadoop.io.Text.class, org.apache.hadoop.io.IntWritable.class,
                org.apache.hadoop.mapreduce.lib.output.SequenceFileOutputFormat.class);
        System.out.println("SAVED yes");
    }

    private static void checkpoint(WeftSession weft, String dir) {
        weft.setCheckpointDir(dir);
        String marks = dir + "-computed";
        new java.io.File(marks).mkdirs();
        io.weft.api.Dataset<Integer> doubled = weft.parallelize(List.of(1, 2, 3, 4, 5), 2).map(x -> {
            Files.writeString(Paths.get(marks, x + "-" + System.nanoTime()), "");
            return x * 2;
        });
        doubled.checkpoint();
        System.out.println("MARKED_BEFORE " + doubled.isCheckpointed());
        System.out.println("CHECKPOINT1 " + doubled.collect());
        System.out.println("MARKED_AFTER " + doubled.isCheckpointed());
        System.out.println("CHECKPOINT_FILE " + doubled.getCheckpointFile()
                .map(f -> f.startsWith(dir) && new java.io.File(f).isDirectory() ? "under the directory" : f)
                .orElse("none"));
        System.out.println("COMPUTED1 " + new java.io.File(marks).list().length);
        System.out.println("CHECKPOINT2 " + doubled.map(x -> x + 1).collect());
        System.out.println("COMPUTED2 " + new java.io.File(marks).list().length);
    }

    private static void fail(WeftSession weft) {
        try {
            weft.parallelize(List.of(1, 2, 3, 4), 2).map(x -> {
                if (x == 3) {
                    throw new IllegalStateException("remote boom on record " + x);
                }
                return x;
            }).collect();
            System.out.println("FAILED none");
        } catch (JobFailedException e) {
            System.out.println("FAILED " + e.getClass().getName() + ": " + e.getMessage().replace('\n', ' '));
            Throwable cause = e.getCause();
            System.out.println("FAILED_CAUSE " + cause);
            System.out.println("FAILED_FRAME " + (cause == null ? "none" : cause.getStackTrace()[0].getClassName()));
            System.out.println("FAILED_PARTITION " + e.partition());
        }
        System.out.println("AFTER " + weft.parallelize(List.of(1, 2, 3), 3).map(x -> x + 1).collect());
    }

    /** Runs in an executor JVM: marks its start, waits for the release file or an interrupt. */
    private static Integer blockUntilReleased(String dir, String tag, Integer x) throws Exception {
        Files.writeString(Paths.get(dir, "started-" + tag), "");
        Path release = Paths.get(dir, "release-" + tag);
        try {
            while (!Files.exists(release)) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Files.writeString(Paths.get(dir, "interrupted-" + tag), "");
            throw e;
        }
        return x;
    }

    private static void block(WeftSession weft, String group, String dir, String tag, boolean cancel)
            throws Exception {
        weft.setJobGroup(group, "blocks until released");
        CompletableFuture<List<Integer>> job = new CompletableFuture<>();
        Thread user = new Thread(() -> { // started after setJobGroup, so it inherits the group
            try {
                job.complete(weft.parallelize(List.of(1), 1).map(x -> blockUntilReleased(dir, tag, x)).collect());
            } catch (Throwable t) {
                job.completeExceptionally(t);
            }
        }, "user-" + tag);
        user.start();
        if (cancel) {
            Path started = Paths.get(dir, "started-" + tag);
            while (!Files.exists(started)) {
                Thread.sleep(20);
            }
            weft.cancelJobGroup(group);
        }
        try {
            System.out.println("OUTCOME ok " + job.join());
        } catch (java.util.concurrent.CompletionException e) {
            System.out.println("OUTCOME " + e.getCause().getClass().getSimpleName() + " " + e.getCause().getMessage());
        }
    }
}
