package io.weft.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The "sort" job's output directory, the same for Weft and Spark: a fresh path under the temporary directory, and
 * afterwards the bytes of its {@code part-*} files (equal for both when both wrote the same lines) before it is
 * deleted, so that repeated runs do not fill the disk.
 */
public final class SortOutput {

    private SortOutput() {
    }

    /**
     * @return a directory path that does not exist yet, for a job to create
     * @throws IOException when the temporary directory cannot be used
     */
    public static Path fresh() throws IOException {
        Path dir = Files.createTempDirectory("weft-bench-sort-");
        Files.delete(dir);
        return dir;
    }

    /**
     * @param dir the job's output directory
     * @return the total size of its {@code part-*} files
     */
    public static long bytesThenDelete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            long bytes = 0;
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                if (f.getFileName().toString().startsWith("part-")) {
                    bytes += Files.size(f);
                }
                Files.delete(f);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
