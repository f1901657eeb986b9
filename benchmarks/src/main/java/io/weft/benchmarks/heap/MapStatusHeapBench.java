package io.weft.benchmarks.heap;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import io.weft.planner.MapOutputRegistry;
import io.weft.planner.MapStatus;
import io.weft.planner.ShuffleBlock;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The driver's heap for a shuffle's map statuses, before (a record of two {@code long[R]} per map output, as up to
 * commit 12fdee5) and after (the compact {@link MapStatus} in the real {@link MapOutputRegistry}), for shapes of
 * M maps x R reducers with skewed block sizes ({@link ShuffleSizes}).
 *
 * <p>Per shape and layout it prints: the heap the registry retains (used heap after full collections, with the
 * registry alive, minus the same before it was built), per block; the time to build every reducer's block list
 * the way the scheduler does at each launch (two passes, the first includes the JIT's warm-up); the heap that the
 * block lists of {@code --running} reducers take while held at once (what the scheduler kept for each running
 * attempt until this change); and the bytes on the channel of a map task's status (executor to driver) and of a
 * reduce task's block list (driver to executor), written with Kryo as the channel writes them. Each layout should
 * run in a JVM of its own ({@code --layout}); statuses arrive with fresh strings, as from the channel.
 */
@Command(name = "map-status-heap-bench", mixinStandardHelpOptions = true,
        description = "Driver heap and segment-list time for a shuffle's map statuses, before and after.")
public final class MapStatusHeapBench implements Callable<Integer> {

    @Option(names = "--shapes", split = ",", defaultValue = "1000x1000,100000x1000,10000x10000",
            description = "MxR shapes (default: ${DEFAULT-VALUE})")
    List<String> shapes;

    @Option(names = "--layout", defaultValue = "after", description = "before (two long arrays) or after (compact)")
    String layout;

    @Option(names = "--avg-block-bytes", defaultValue = "10000",
            description = "Mean block size (10 KB: a 1 TB shuffle at 10,000 x 10,000)")
    long avgBlockBytes;

    @Option(names = "--empty-fraction", defaultValue = "0.1", description = "Fraction of blocks that are empty")
    double emptyFraction;

    @Option(names = "--executors", defaultValue = "1000", description = "Executors the map outputs come from")
    int executors;

    @Option(names = "--running", defaultValue = "1000",
            description = "Reducers whose block lists are held at once for the running-attempts figure")
    int running;

    @Option(names = "--seed", defaultValue = "14")
    long seed;

    /**
     * @param args see --help
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new MapStatusHeapBench()).execute(args));
    }

    @Override
    public Integer call() {
        boolean before = layout.equals("before");
        if (!before && !layout.equals("after")) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--layout is before or after");
        }
        System.out.printf("layout=%s avg-block-bytes=%d empty-fraction=%.2f executors=%d max-heap-mb=%d%n", layout,
                avgBlockBytes, emptyFraction, executors, Runtime.getRuntime().maxMemory() >> 20);
        for (String shape : shapes) {
            String[] mr = shape.split("x");
            run(before, Integer.parseInt(mr[0]), Integer.parseInt(mr[1]));
        }
        return 0;
    }

    private void run(boolean before, int maps, int reducers) {
        ShuffleSizes sizes = new ShuffleSizes(reducers, avgBlockBytes, emptyFraction, seed);
        long[] lengths = new long[reducers];
        long[] offsets = new long[reducers];
        long base = usedAfterGc();
        long buildStart = System.nanoTime();
        LegacyMapStatus[] legacy = before ? new LegacyMapStatus[maps] : null;
        MapOutputRegistry registry = new MapOutputRegistry();
        registry.registerShuffle(0, maps);
        long totalBytes = 0;
        long statusWire = 0;
        Kryo kryo = WireSizes.kryo();
        for (int m = 0; m < maps; m++) {
            sizes.fill(m, lengths);
            ShuffleSizes.contiguousOffsets(lengths, offsets);
            String executorId = String.valueOf(m % executors); // a fresh string per status, as Kryo makes them
            String path = "hdfs://nn.example.com:8020/user/weft/.weft/application_1764680000000_0001/shuffle/"
                    + "shuffle_0/map_" + m + "_" + (100_000L + m) + ".data";
            if (before) {
                legacy[m] = new LegacyMapStatus(m, 100_000L + m, executorId, path, offsets.clone(), lengths.clone());
                if (m < 20) {
                    statusWire += WireSizes.of(kryo, legacy[m]);
                }
            } else {
                MapStatus status = new MapStatus(m, 100_000L + m, executorId, path, offsets, lengths);
                registry.register(0, status);
                if (m < 20) {
                    statusWire += WireSizes.of(kryo, status);
                }
            }
            for (long length : lengths) {
                totalBytes += length;
            }
        }
        double buildSeconds = (System.nanoTime() - buildStart) / 1e9;
        long retained = usedAfterGc() - base;
        long blocks = (long) maps * reducers;
        System.out.printf("layout=%s maps=%d reducers=%d shuffle-gb=%.1f retained-mb=%.1f bytes/block=%.2f"
                + " build-s=%.1f status-wire-bytes/map=%d%n", layout, maps, reducers, totalBytes / 1e9,
                retained / 1048576.0, (double) retained / blocks, buildSeconds, statusWire / Math.min(20, maps));

        for (int pass = 1; pass <= 2; pass++) {
            long start = System.nanoTime();
            long cpuStart = threadCpu();
            long listed = 0;
            long checksum = 0;
            for (int r = 0; r < reducers; r++) {
                List<ShuffleBlock> list = before ? LegacyMapStatus.blocksFor(legacy, r) : registry.blocksFor(0, r);
                listed += list.size();
                checksum += list.get(list.size() / 2).offset();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("layout=%s maps=%d reducers=%d segment-lists pass=%d seconds=%.2f cpu-us/reducer=%.0f"
                    + " ns/block=%.1f blocks=%d checksum=%d%n", layout, maps, reducers, pass, seconds,
                    (threadCpu() - cpuStart) / 1e3 / reducers, seconds * 1e9 / blocks, listed, checksum);
        }

        int held = Math.min(running, reducers);
        long beforeLists = usedAfterGc();
        List<List<ShuffleBlock>> lists = new ArrayList<>(held);
        long launchWire = 0;
        long launchWireShared = 0;
        for (int r = 0; r < held; r++) {
            lists.add(before ? LegacyMapStatus.blocksFor(legacy, r) : registry.blocksFor(0, r));
            if (r < 10) {
                launchWire += WireSizes.ofBlocks(kryo, lists.get(r));
                launchWireShared += WireSizes.ofBlocksSharingPrefixes(lists.get(r));
            }
        }
        long listBytes = usedAfterGc() - beforeLists;
        System.out.printf("layout=%s maps=%d reducers=%d held-block-lists=%d heap-mb=%.1f kb/list=%.0f"
                + " launch-wire-kb/reducer full-paths=%.0f shared-prefixes=%.0f%n", layout, maps, reducers, held,
                listBytes / 1048576.0, listBytes / 1024.0 / held, launchWire / 1024.0 / Math.min(10, held),
                launchWireShared / 1024.0 / Math.min(10, held));
        java.lang.ref.Reference.reachabilityFence(lists);
        java.lang.ref.Reference.reachabilityFence(legacy);
        java.lang.ref.Reference.reachabilityFence(registry);
    }

    private static long threadCpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The channel's Kryo encodings, reproduced with a plain Kryo (the channel's own codec is not public). */
    static final class WireSizes {
        static Kryo kryo() {
            Kryo kryo = new Kryo();
            kryo.setRegistrationRequired(false);
            kryo.setReferences(false);
            return kryo;
        }

        /** Before: Kryo's record serializer, as the channel used for the old record. */
        static long of(Kryo kryo, LegacyMapStatus status) {
            Output out = new Output(1024, -1);
            kryo.writeObject(out, status);
            return out.position();
        }

        /** After: what {@code MessageKryo}'s map status serializer writes, field by field. */
        static long of(Kryo kryo, MapStatus status) {
            Output out = new Output(1024, -1);
            out.writeVarInt(status.mapIndex(), true);
            out.writeLong(status.taskAttemptId());
            out.writeString(status.executorId());
            out.writeString(status.path());
            out.writeVarInt(status.numPartitions(), true);
            byte[] ranges = status.encodedPartitions();
            out.writeVarInt(ranges.length, true);
            out.writeBytes(ranges);
            return out.position();
        }

        /** After: what {@code MessageKryo}'s shuffle block serializer writes (a path shares the previous one's prefix). */
        static long ofBlocksSharingPrefixes(List<ShuffleBlock> blocks) {
            Output out = new Output(1 << 16, -1);
            out.writeVarInt(blocks.size(), true);
            String previous = "";
            for (ShuffleBlock block : blocks) {
                int shared = 0;
                int max = Math.min(previous.length(), block.path().length());
                while (shared < max && previous.charAt(shared) == block.path().charAt(shared)) {
                    shared++;
                }
                out.writeVarInt(block.mapIndex(), true);
                out.writeVarInt(shared, true);
                out.writeString(block.path().substring(shared));
                out.writeVarLong(block.offset(), true);
                out.writeVarLong(block.length(), true);
                previous = block.path();
            }
            return out.position();
        }

        /** Before: a reduce task's block list as its {@code LaunchTask} carried it (Kryo's record serializer). */
        static long ofBlocks(Kryo kryo, List<ShuffleBlock> blocks) {
            Output out = new Output(1 << 16, -1);
            out.writeVarInt(blocks.size(), true);
            for (ShuffleBlock block : blocks) {
                kryo.writeObject(out, block);
            }
            return out.position();
        }
    }
}
