package io.weft.driver.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.ClosureSerializationException;
import io.weft.api.Dataset;
import io.weft.api.JobFailedException;
import io.weft.api.Pair;
import io.weft.api.RemoteTaskException;
import io.weft.api.Source;
import io.weft.api.WeftSession;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A library's own reader, added through the public {@link Source} interface, behaves as any other dataset. */
class SourceTest {

    private static WeftSession weft;

    @BeforeAll
    static void start() {
        weft = WeftSession.builder().appName("sources").master("local[2]").getOrCreate();
    }

    @AfterAll
    static void stop() {
        weft.close();
    }

    /** What a library would write: partitions described by numbers, the records computed where they are read. */
    static final class BlockSource implements Source<Long> {
        private static final long serialVersionUID = 1L;
        private final int blocks;
        private final long perBlock;
        private final int unreadableBlock;

        BlockSource(int blocks, long perBlock, int unreadableBlock) {
            this.blocks = blocks;
            this.perBlock = perBlock;
            this.unreadableBlock = unreadableBlock;
        }

        @Override
        public int numPartitions() {
            return blocks;
        }

        @Override
        public List<String> preferredLocations(int partition) {
            return List.of("host-" + (partition % 3));
        }

        @Override
        public Iterator<Long> read(int partition) throws IOException {
            if (partition == unreadableBlock) {
                throw new IOException("block " + partition + " is unreadable");
            }
            return LongStream.range(partition * perBlock, (partition + 1) * perBlock).iterator();
        }
    }

    @Test
    void aSourceGivesItsPartitionsRecordsAndLocations() {
        Dataset<Long> ds = weft.fromSource("blocks", new BlockSource(7, 100, -1));
        assertThat(ds.numPartitions()).isEqualTo(7);
        assertThat(ds.lineage().preferredLocations(4)).containsExactly("host-1");
        assertThat(ds.lineage().name()).startsWith("blocks");
        assertThat(ds.collect()).isEqualTo(LongStream.range(0, 700).boxed().toList());
        assertThat(ds.map(x -> x % 5).countByValue()).isEqualTo(Map.of(0L, 140L, 1L, 140L, 2L, 140L, 3L, 140L,
                4L, 140L));
        assertThat(weft.fromSource("none", new BlockSource(0, 100, -1)).count()).isZero();
    }

    @Test
    void aPairSourceHasKeyBasedOperators() {
        Source<Pair<String, Integer>> words = new WordSource();
        Map<String, Integer> sums = new TreeMap<>(weft.fromPairSource("words", words).reduceByKey(Integer::sum)
                .collectAsMap());
        assertThat(sums).isEqualTo(Map.of("a", 0 + 1 + 2 + 3, "b", 30));
    }

    @Test
    void aReadFailureFailsTheJobWithTheSourcesExceptionAndTheSessionGoesOn() {
        Dataset<Long> ds = weft.fromSource("blocks", new BlockSource(4, 10, 2));
        assertThatThrownBy(ds::count).isInstanceOf(JobFailedException.class).satisfies(e -> {
            RemoteTaskException remote = (RemoteTaskException) e.getCause();
            assertThat(remote.getMessage()).contains("partition 2").contains(BlockSource.class.getName());
            assertThat(((RemoteTaskException) remote.getCause()).originalClassName())
                    .isEqualTo("java.io.IOException");
        });
        assertThat(weft.fromSource("blocks", new BlockSource(4, 10, -1)).count()).isEqualTo(40);
    }

    @Test
    void aSourceThatCannotBeShippedFailsWhenTheDatasetIsMade() {
        Source<Integer> source = new HoldingSource(new Object());
        assertThatThrownBy(() -> weft.fromSource("bad", source)).isInstanceOf(ClosureSerializationException.class)
                .hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> weft.fromSource("negative", new BlockSource(-1, 1, -1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1 partitions");
    }

    static final class WordSource implements Source<Pair<String, Integer>> {
        private static final long serialVersionUID = 1L;

        @Override
        public int numPartitions() {
            return 3;
        }

        @Override
        public Iterator<Pair<String, Integer>> read(int partition) {
            return List.of(Pair.of("a", partition), Pair.of("b", 10 * partition), Pair.of("a", 1)).iterator();
        }
    }

    /** Holds something Kryo cannot ship as configured: a plain Object is not Serializable. */
    static final class HoldingSource implements Source<Integer> {
        private static final long serialVersionUID = 1L;
        private final Object held;

        HoldingSource(Object held) {
            this.held = held;
        }

        @Override
        public int numPartitions() {
            return 1;
        }

        @Override
        public Iterator<Integer> read(int partition) {
            return List.of(held.hashCode()).iterator();
        }
    }
}
