package io.weft.it.apps;

import io.weft.api.Pair;
import io.weft.api.WeftSession;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/** Counts residues into a text output; its reduce stage is slow enough to kill the ApplicationMaster during it. */
public final class RestartableApp {

    private RestartableApp() {
    }

    /**
     * @param args the output directory
     */
    public static void main(String[] args) {
        try (WeftSession weft = WeftSession.builder().getOrCreate()) {
            List<Integer> data = IntStream.range(0, 6000).boxed().toList();
            weft.parallelize(data, 4).mapToPair(x -> Pair.of(x % 13, 1L)).reduceByKey(Long::sum, 2)
                    .mapValues(v -> {
                        LockSupport.parkNanos(1_000_000_000L);
                        return v;
                    }).saveAsTextFile(args[0]);
        }
    }
}
