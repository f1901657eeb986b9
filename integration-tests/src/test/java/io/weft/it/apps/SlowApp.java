package io.weft.it.apps;

import io.weft.api.Pair;
import io.weft.api.WeftSession;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/** A driver whose job takes minutes, to be killed with 'yarn application -kill'. */
public final class SlowApp {

    private SlowApp() {
    }

    /**
     * @param args ignored
     */
    public static void main(String[] args) {
        try (WeftSession weft = WeftSession.builder().getOrCreate()) {
            List<Integer> data = IntStream.range(0, 1000).boxed().toList();
            weft.parallelize(data, 4).mapToPair(x -> Pair.of(x % 7, x)).reduceByKey(Integer::sum)
                    .mapValues(v -> {
                        LockSupport.parkNanos(60_000_000_000L);
                        return v;
                    }).count();
        }
    }
}
