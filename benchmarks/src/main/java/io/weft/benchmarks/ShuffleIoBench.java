package io.weft.benchmarks;

import io.weft.api.Pair;
import io.weft.runtime.serial.KryoPool;
import io.weft.runtime.shuffle.MapOutputCommit;
import io.weft.runtime.shuffle.MapOutputWriter;
import io.weft.runtime.shuffle.ShuffleReader;
import io.weft.runtime.shuffle.ShuffleSegment;
import io.weft.runtime.shuffle.ShuffleStore;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Bytes per second of the shuffle writer and reader on one thread, against a plain sequential write and read of
 * the same number of bytes on the same file system. Each round writes {@code --maps} map outputs of
 * {@code (Long, String)} records spread over {@code --partitions} partitions through a real {@link ShuffleStore}
 * (on the local file system by default, as in {@code local[N]}), then reads every partition back through
 * {@link ShuffleReader}, decoding every record; then writes and reads a plain file of the same size with 1 MiB
 * buffers. Before each write the bench runs {@code sync}, so each write starts with no dirty pages (the kernel
 * throttles a writer to the disk's speed once too much is dirty): writes go to the page cache and are not synced.
 * Reads are from the page cache, or from the disk with {@code --drop-caches} (needs root: it writes
 * {@code /proc/sys/vm/drop_caches} before each read). Bytes are the map outputs' data bytes. {@code --raw} uses
 * Hadoop's {@code RawLocalFileSystem} instead of the checksummed {@code LocalFileSystem}.
 */
@Command(name = "shuffle-io-bench", mixinStandardHelpOptions = true,
        description = "Shuffle writer and reader throughput against sequential file I/O.")
public final class ShuffleIoBench implements Callable<Integer> {

    @Option(names = "--dir", defaultValue = "target/shuffle-io", description = "Directory (default: ${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--mb", defaultValue = "512", description = "Shuffle bytes per round, about (default: ${DEFAULT-VALUE})")
    long megabytes;

    @Option(names = "--maps", defaultValue = "4", description = "Map outputs per round (default: ${DEFAULT-VALUE})")
    int maps;

    @Option(names = "--partitions", defaultValue = "16", description = "Reduce partitions (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--value-chars", defaultValue = "90", description = "Characters per value (default: ${DEFAULT-VALUE})")
    int valueChars;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--write-buffer-mb", defaultValue = "32", description = "weft.shuffle.writeBuffer in MiB")
    long writeBufferMb;

    @Option(names = "--drop-caches", description = "Drop the page cache before each read (root only)")
    boolean dropCaches;

    @Option(names = "--raw", description = "RawLocalFileSystem (no .crc files) instead of LocalFileSystem")
    boolean raw;

    /**
     * @param args see --help
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ShuffleIoBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(dir);
        Path root = Files.createTempDirectory(dir, "round-");
        Configuration conf = new Configuration();
        if (raw) {
            conf.set("fs.file.impl", org.apache.hadoop.fs.RawLocalFileSystem.class.getName());
            conf.setBoolean("fs.file.impl.disable.cache", true);
        }
        FileSystem fs = FileSystem.get(root.toUri(), conf);
        KryoPool kryo = new KryoPool(ShuffleIoBench.class.getClassLoader());
        String[] values = new String[1024];
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < values.length; i++) {
            StringBuilder b = new StringBuilder(valueChars);
            for (int c = 0; c < valueChars; c++) {
                b.append((char) ('a' + random.nextInt(26)));
            }
            values[i] = b.toString();
        }
        long recordBytes = valueChars + 12;
        long recordsPerMap = (megabytes << 20) / recordBytes / maps;
        System.out.printf("shuffle-io dir=%s fs=%s maps=%d partitions=%d records/map=%d free-memory-mb=%d%n", root,
                fs.getClass().getSimpleName(), maps, partitions, recordsPerMap, freeMemoryMb());
        try {
            for (int round = 1; round <= rounds; round++) {
                File spill = Files.createTempDirectory(root, "spill-").toFile();
                ShuffleStore store = new ShuffleStore(fs, new org.apache.hadoop.fs.Path(root.resolve("shuffle-" + round)
                        .toUri()), (short) 1, kryo, spill, writeBufferMb << 20);
                settle(false);
                long start = System.nanoTime();
                List<MapOutputCommit> commits = new ArrayList<>();
                for (int m = 0; m < maps; m++) {
                    MapOutputWriter writer = store.newMapOutputWriter(round, m, m, partitions);
                    SplittableRandom keys = new SplittableRandom(m);
                    for (long r = 0; r < recordsPerMap; r++) {
                        long key = keys.nextLong();
                        writer.write((int) Math.floorMod(key, (long) partitions), key, values[(int) (r & 1023)]);
                    }
                    commits.add(writer.commit());
                }
                long written = System.nanoTime() - start;
                long bytes = commits.stream().mapToLong(MapOutputCommit::totalBytes).sum();
                settle(dropCaches);
                start = System.nanoTime();
                long records = 0;
                long checksum = 0;
                for (int p = 0; p < partitions; p++) {
                    List<ShuffleSegment> segments = new ArrayList<>();
                    for (int m = 0; m < maps; m++) {
                        segments.add(commits.get(m).segment(m, p));
                    }
                    try (ShuffleReader<Long, String> reader = store.read(round, p, segments)) {
                        while (reader.hasNext()) {
                            Pair<Long, String> record = reader.next();
                            checksum += record.key() + record.value().length();
                            records++;
                        }
                    }
                }
                long read = System.nanoTime() - start;
                if (records != recordsPerMap * maps) {
                    throw new IllegalStateException("read " + records + " records, wrote " + recordsPerMap * maps);
                }
                double[] plain = plainFile(root.resolve("plain-" + round), bytes, dropCaches);
                System.out.printf("round=%d bytes=%d shuffle-write-mb/s=%.0f shuffle-read-mb/s=%.0f "
                        + "plain-write-mb/s=%.0f plain-read-mb/s=%.0f checksum=%d%n", round, bytes,
                        mbPerSecond(bytes, written), mbPerSecond(bytes, read), plain[0], plain[1], checksum);
                store.deleteAll();
            }
        } finally {
            fs.delete(new org.apache.hadoop.fs.Path(root.toUri()), true);
        }
        return 0;
    }

    /** Writes then reads {@code bytes} bytes sequentially with 1 MiB buffers; returns MB/s of each. */
    private static double[] plainFile(Path file, long bytes, boolean dropCaches) throws IOException,
            InterruptedException {
        byte[] buffer = new byte[1 << 20];
        new SplittableRandom(3).nextBytes(buffer);
        settle(false);
        long start = System.nanoTime();
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= buffer.length) {
                out.write(buffer, 0, (int) Math.min(left, buffer.length));
            }
        }
        long written = System.nanoTime() - start;
        settle(dropCaches);
        start = System.nanoTime();
        long sum = 0;
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                sum += n;
            }
        }
        long read = System.nanoTime() - start;
        Files.delete(file);
        if (sum != bytes) {
            throw new IllegalStateException("read back " + sum + " of " + bytes + " bytes");
        }
        return new double[] {mbPerSecond(bytes, written), mbPerSecond(bytes, read)};
    }

    /** Writes dirty pages back ({@code sync}) and, if asked, drops the page cache. */
    private static void settle(boolean dropCaches) throws IOException, InterruptedException {
        new ProcessBuilder("sync").inheritIO().start().waitFor();
        if (dropCaches) {
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
        }
    }

    private static double mbPerSecond(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    private static long freeMemoryMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux: unknown.
        }
        return -1;
    }
}
