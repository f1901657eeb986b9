package io.weft.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reservoir counts every record and keeps each with the same probability. */
@Timeout(60)
class KeyReservoirTest {

    private static Iterator<Pair<Integer, String>> records(int n) {
        return IntStream.range(0, n).mapToObj(i -> Pair.of(i, "v")).iterator();
    }

    @Test
    void aPartitionSmallerThanTheReservoirIsKeptWhole() {
        KeyReservoir.Sample<Integer> sample = KeyReservoir.sample(records(5), 8, 1);
        assertThat(sample.count()).isEqualTo(5);
        assertThat(sample.keys()).containsExactly(0, 1, 2, 3, 4);
        assertThat(KeyReservoir.sample(records(0), 8, 1).keys()).isEmpty();
    }

    @Test
    void everyRecordIsCountedAndTheSampleHasTheReservoirsSizeWithoutRepeats() {
        KeyReservoir.Sample<Integer> sample = KeyReservoir.sample(records(100_000), 60, 3);
        assertThat(sample.count()).isEqualTo(100_000);
        assertThat(sample.keys()).hasSize(60).doesNotHaveDuplicates().allMatch(k -> k >= 0 && k < 100_000);
    }

    @Test
    void eachRecordIsKeptWithTheSameProbabilityEarlyOrLate() {
        // 4000 samples of 10 out of 1000 records: each tenth of the input should hold about a tenth of the keys
        // (4000 of 40000, give or take 4 standard deviations: the seeds are fixed, so the figures are too).
        int records = 1000;
        int size = 10;
        int[] perTenth = new int[10];
        for (int seed = 0; seed < 4000; seed++) {
            List<Integer> keys = KeyReservoir.sample(records(records), size, seed).keys();
            for (int key : keys) {
                perTenth[key * 10 / records]++;
            }
        }
        assertThat(IntStream.of(perTenth).boxed().toList())
                .allSatisfy(count -> assertThat(count).isBetween(3750, 4250));
    }
}
