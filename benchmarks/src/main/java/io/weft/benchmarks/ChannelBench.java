package io.weft.benchmarks;

import io.weft.api.Broadcast;
import io.weft.api.WeftSession;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What the driver channel's encryption ({@code weft.network.crypto.enabled}) costs on channel-heavy work, in
 * {@code local-cluster} (executor JVMs talking to the driver over loopback TCP): many empty tasks, large task
 * results, a large value captured in a closure (it travels in the stage binary, once per executor), and a large
 * broadcast (which travels through files, not the channel: a control). Each round runs the jobs with encryption
 * on and off, alternating, each in a fresh session (so fresh executor JVMs: the first runs show the JIT's warm-up,
 * the repeats steady state), and prints
 * {@code crypto=<on|off> job=<name> seconds=<s> result=<checksum>}.
 */
@Command(name = "weft-channel-bench", mixinStandardHelpOptions = true,
        description = "Times channel-heavy local-cluster jobs with the channel's encryption on and off.")
public final class ChannelBench implements Callable<Integer> {

    @Option(names = "--master", defaultValue = "local-cluster[2,1,1024]",
            description = "Weft master (default: ${DEFAULT-VALUE})")
    String master;

    @Option(names = "--tasks", defaultValue = "20000", description = "Empty tasks of the 'tasks' job")
    int tasks;

    @Option(names = "--result-mb", defaultValue = "64", description = "MB of task results collected")
    int resultMb;

    @Option(names = "--closure-mb", defaultValue = "32", description = "MB captured in a closure")
    int closureMb;

    @Option(names = "--broadcast-mb", defaultValue = "64", description = "MB broadcast")
    int broadcastMb;

    @Option(names = "--rounds", defaultValue = "1", description = "Rounds (each: on then off, or off then on)")
    int rounds;

    @Option(names = "--repeats", defaultValue = "3",
            description = "Runs of the results, closure and broadcast jobs per session (the first in cold JVMs)")
    int repeats;

    /**
     * @param args see --help
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ChannelBench()).execute(args));
    }

    @Override
    public Integer call() {
        System.out.printf("master=%s tasks=%d result-mb=%d closure-mb=%d broadcast-mb=%d%n", master, tasks, resultMb,
                closureMb, broadcastMb);
        for (int round = 0; round < rounds; round++) {
            boolean first = round % 2 == 0;
            run(first);
            run(!first);
        }
        return 0;
    }

    private void run(boolean crypto) {
        try (WeftSession weft = WeftSession.builder().appName("channel-bench").master(master)
                .config("weft.network.crypto.enabled", String.valueOf(crypto)).config("weft.ui.enabled", "false")
                .getOrCreate()) {
            weft.parallelize(List.of(1, 2, 3, 4), 2).map(x -> x + 1).count(); // warm the executors
            time(crypto, "tasks", () -> weft.parallelize(IntStream.range(0, tasks).boxed().toList(), tasks)
                    .map(x -> x).count());
            int partitions = 4;
            int perPartition = (resultMb << 20) / partitions;
            byte[] captured = filled(closureMb << 20, 3);
            Broadcast<byte[]> broadcast = weft.broadcast(filled(broadcastMb << 20, 5));
            for (int run = 1; run <= repeats; run++) {
                String suffix = "#" + run;
                time(crypto, "results" + suffix, () -> weft.parallelize(IntStream.range(0, partitions).boxed()
                        .toList(), partitions).map(i -> filled(perPartition, i)).collect().stream()
                        .mapToLong(b -> b.length + b[7]).sum());
                time(crypto, "closure" + suffix, () -> weft.parallelize(IntStream.range(0, 8).boxed().toList(), 8)
                        .map(i -> (long) captured[i] + captured.length).reduce(Long::sum));
                time(crypto, "broadcast" + suffix, () -> weft.parallelize(IntStream.range(0, 8).boxed().toList(), 8)
                        .map(i -> (long) broadcast.value()[i] + broadcast.value().length).reduce(Long::sum));
            }
        }
    }

    private static byte[] filled(int size, int seed) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + seed); // not all zeros, so nothing along the way can shortcut it
        }
        return bytes;
    }

    private static void time(boolean crypto, String job, java.util.function.LongSupplier work) {
        long start = System.nanoTime();
        long result = work.getAsLong();
        System.out.printf("crypto=%s job=%s seconds=%.2f result=%d%n", crypto ? "on" : "off", job,
                (System.nanoTime() - start) / 1e9, result);
    }
}
