package io.weft.it.apps;

import io.weft.api.WeftSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/**
 * A cluster-mode driver for dynamic allocation: runs a small job, then idles until a local flag file appears (the
 * test creates it once the executors are gone), then runs a job that needs executors again, and writes both
 * results to a local file. Executors and the AM run on the test's machine, so local files are shared.
 */
public final class ElasticApp {

    private ElasticApp() {
    }

    /**
     * @param args the flag file to wait for, and the file to write the results to
     * @throws Exception when the files cannot be used
     */
    public static void main(String[] args) throws Exception {
        Path flag = Path.of(args[0]);
        try (WeftSession weft = WeftSession.builder().getOrCreate()) {
            List<Integer> first = weft.parallelize(List.of(1, 2, 3, 4), 4).map(x -> x * 2).collect();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            while (!Files.exists(flag) && System.nanoTime() < deadline) {
                LockSupport.parkNanos(100_000_000L);
            }
            List<Integer> second = weft.parallelize(IntStream.range(0, 6).boxed().toList(), 6).map(x -> {
                LockSupport.parkNanos(200_000_000L);
                return x + 1;
            }).collect();
            Files.writeString(Path.of(args[1]), first + " " + second, StandardCharsets.UTF_8);
        }
    }
}
