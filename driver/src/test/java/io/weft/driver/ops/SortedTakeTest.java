package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.SerializableComparator;
import io.weft.api.WeftSession;
import io.weft.driver.DriverEngine;
import io.weft.planner.JobProperties;
import io.weft.planner.ResultStage;
import io.weft.planner.SchedulerListener;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code sortByKey}'s sampling job runs when the sorted pairs are first needed, once, and a {@code take} straight
 * after the sort keeps each input partition's smallest keys instead of sampling, shuffling and sorting. Which jobs
 * ran comes from a scheduler listener; the records are checked against plain Java sorts of random keys with many
 * repeats.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SortedTakeTest {

    private static WeftSession weft;
    /** The call sites of the jobs the scheduler started, in order (added on the scheduler thread). */
    private static final List<String> JOBS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("sorted-take").master("local[2]").getOrCreate();
        ((DriverEngine) weft.engine()).addSchedulerListener(new SchedulerListener() {
            @Override
            public void jobStarted(int jobId, String callSite, ResultStage finalStage, JobProperties properties) {
                JOBS.add(callSite);
            }
        });
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    @BeforeEach
    void forgetJobs() {
        JOBS.clear();
    }

    private static List<Pair<Integer, Integer>> rows(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Pair<Integer, Integer>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // Keys repeat: ties at the cut must still give the right keys.
            rows.add(Pair.of(random.nextInt(n / 3 + 1), i));
        }
        return rows;
    }

    private static List<String> jobsNamed(String prefix) {
        return JOBS.stream().filter(s -> s.startsWith(prefix + " at ")).toList();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 250, 1000, 5000})
    void takeAfterSortByKeyGivesTheSmallestKeysInOrderWithOneJobAndNoSample(int n) {
        List<Pair<Integer, Integer>> rows = rows(n + 1, 1000);
        PairDataset<Integer, Integer> ds = weft.parallelize(rows, 5).mapToPair(p -> p);
        SerializableComparator<Integer> byLastDigitThenValue = (a, b) -> a % 10 != b % 10
                ? Integer.compare(a % 10, b % 10) : Integer.compare(a, b);
        List<Comparator<Integer>> javaOrders = List.of(Comparator.naturalOrder(), Comparator.reverseOrder(),
                byLastDigitThenValue, byLastDigitThenValue.reversed());
        List<PairDataset<Integer, Integer>> sorts = List.of(ds.sortByKey(true), ds.sortByKey(false, 3),
                ds.sortByKey(byLastDigitThenValue, true), ds.sortByKey(byLastDigitThenValue, false));
        assertThat(JOBS).as("sortByKey alone runs nothing").isEmpty();

        for (int i = 0; i < sorts.size(); i++) {
            List<Pair<Integer, Integer>> taken = sorts.get(i).take(n);
            List<Integer> expectedKeys = rows.stream().map(Pair::key).sorted(javaOrders.get(i)).limit(n).toList();
            assertThat(taken.stream().map(Pair::key).toList()).as("order %d", i).isEqualTo(expectedKeys);
            assertThat(rows).as("whole pairs, not just keys").containsAll(taken);
        }
        assertThat(jobsNamed("sortByKey (sampling)")).isEmpty();
        assertThat(jobsNamed("take (sorted)")).hasSize(n == 0 ? 0 : 4);
        assertThat(JOBS).hasSize(n == 0 ? 0 : 4);
    }

    @Test
    void aTakeTooLargeToGatherOnTheDriverReadsTheSortInstead() {
        List<Pair<Integer, Integer>> rows = rows(3, 1000);
        PairDataset<Integer, Integer> sorted = weft.parallelize(rows, 5).mapToPair(p -> p).sortByKey(true);
        // 5 input partitions of up to 200,001 records each would be more than the driver gathers instead of sorting.
        List<Pair<Integer, Integer>> all = sorted.take(200_001);
        assertThat(all.stream().map(Pair::key).toList()).isEqualTo(rows.stream().map(Pair::key).sorted().toList());
        assertThat(jobsNamed("sortByKey (sampling)")).hasSize(1);
        assertThat(jobsNamed("take (sorted)")).isEmpty();

        List<Pair<Integer, Integer>> top = weft.parallelize(rows, 5).mapToPair(p -> p).sortByKey(true).take(200_000);
        assertThat(top).hasSize(rows.size());
        assertThat(jobsNamed("take (sorted)")).as("exactly at the limit, still gathered").hasSize(1);
    }

    @Test
    void firstAfterSortByKeyIsTheSmallestPair() {
        List<Pair<Integer, Integer>> rows = rows(42, 500);
        Pair<Integer, Integer> first = weft.parallelize(rows, 3).mapToPair(p -> p).sortByKey(false).first();
        assertThat(first.key()).isEqualTo(rows.stream().mapToInt(Pair::key).max().orElseThrow());
        assertThat(jobsNamed("sortByKey (sampling)")).isEmpty();
    }

    @Test
    void theSampleIsTakenWhenTheSortIsFirstNeededAndOnlyOnce() {
        List<Pair<Integer, Integer>> rows = rows(7, 2000);
        PairDataset<Integer, Integer> sorted = weft.parallelize(rows, 4).mapToPair(p -> p).sortByKey(true, 4);
        assertThat(JOBS).isEmpty();

        List<Integer> keys = sorted.keys().collect();
        assertThat(keys).isEqualTo(rows.stream().map(Pair::key).sorted().toList());
        assertThat(jobsNamed("sortByKey (sampling)")).as("named for the line that sorted").hasSize(1)
                .allMatch(s -> s.contains("SortedTakeTest.java"));
        assertThat(sorted.count()).isEqualTo(rows.size());
        assertThat(sorted.numPartitions()).isEqualTo(4);
        // The sort has run, so take reads its first partition rather than looking at the input again.
        assertThat(sorted.take(3).stream().map(Pair::key).toList()).isEqualTo(keys.subList(0, 3));
        assertThat(jobsNamed("sortByKey (sampling)")).hasSize(1);
        assertThat(jobsNamed("take (sorted)")).isEmpty();
        assertThat(jobsNamed("take")).hasSize(1);
    }

    @Test
    void aPersistedOrTransformedSortIsTakenFromTheSort() {
        List<Pair<Integer, Integer>> rows = rows(11, 800);
        List<Integer> ascending = rows.stream().map(Pair::key).sorted().toList();
        PairDataset<Integer, Integer> input = weft.parallelize(rows, 4).mapToPair(p -> p);

        PairDataset<Integer, Integer> persisted = input.sortByKey(true);
        persisted.cache();
        assertThat(persisted.take(5).stream().map(Pair::key).toList()).isEqualTo(ascending.subList(0, 5));
        assertThat(jobsNamed("sortByKey (sampling)")).as("a persisted sort is meant to be computed").hasSize(1);
        persisted.unpersist();

        List<Integer> doubled = input.sortByKey(true).mapValues(v -> 2 * v).keys().take(5);
        assertThat(doubled).isEqualTo(ascending.subList(0, 5));
        assertThat(jobsNamed("sortByKey (sampling)")).hasSize(2);
        assertThat(jobsNamed("take (sorted)")).isEmpty();
    }

    @Test
    void threadsThatFirstNeedTheSameSortAtOnceSampleItOnce() throws Exception {
        List<Pair<Integer, Integer>> rows = rows(5, 3000);
        PairDataset<Integer, Integer> sorted = weft.parallelize(rows, 4).mapToPair(p -> p).sortByKey(false, 3);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<Long>> counts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                counts.add(threads.submit(sorted::count));
            }
            for (Future<Long> count : counts) {
                assertThat(count.get(60, TimeUnit.SECONDS)).isEqualTo(rows.size());
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(jobsNamed("sortByKey (sampling)")).hasSize(1);
    }
}
