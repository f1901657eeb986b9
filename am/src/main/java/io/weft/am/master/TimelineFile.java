package io.weft.am.master;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Client mode: the ApplicationMaster's part of the {@link StartupTimeline} (its JVM start, registration, requests,
 * allocations, launches) reaches the driver as a small file in the application's staging directory, which only
 * the owner can read (700). Written whole under a temporary name and renamed; never re-creates a staging
 * directory the driver already deleted.
 */
public final class TimelineFile {

    static final String NAME = "timeline";

    private final FileSystem fs;
    private final Path file;

    /**
     * @param fs the staging directory's file system
     * @param stagingDir the application's staging directory
     */
    public TimelineFile(FileSystem fs, Path stagingDir) {
        this.fs = fs;
        this.file = new Path(stagingDir, NAME);
    }

    /**
     * Replaces the file. Called by the AM on a thread of its own; one writer at a time.
     *
     * @param timeline the AM's timeline
     * @throws IOException when the file system fails, or the staging directory is gone
     */
    void write(StartupTimeline timeline) throws IOException {
        Path temp = new Path(file.getParent(), "." + NAME + "." + System.nanoTime());
        try (FSDataOutputStream out = fs.createNonRecursive(temp, true, 4096, fs.getDefaultReplication(temp),
                fs.getDefaultBlockSize(temp), null)) {
            out.write(timeline.encode().getBytes(StandardCharsets.UTF_8));
        }
        fs.delete(file, false); // rename does not replace on HDFS
        if (!fs.rename(temp, file)) {
            fs.delete(temp, false);
            throw new IOException("Could not rename " + temp + " to " + file);
        }
    }

    /**
     * Called by the driver.
     *
     * @return the AM's timeline, or empty when it wrote none (yet)
     * @throws IOException when the file exists but cannot be read
     */
    public Optional<StartupTimeline> read() throws IOException {
        return StagedTextFiles.read(fs, file).flatMap(StartupTimeline::decode);
    }
}
