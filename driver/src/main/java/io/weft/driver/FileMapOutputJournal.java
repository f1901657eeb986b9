package io.weft.driver;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weft.planner.MapOutputJournal;
import io.weft.planner.MapStatus;
import io.weft.runtime.shuffle.ShuffleStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MapOutputJournal} in the application's shuffle directory: {@code _journal/attempt-<n>.jsonl}, one JSON
 * object per line, one file per driver attempt. It records each committed map output (shuffle, fingerprint, file,
 * partition ranges) and each {@code saveAsTextFile} output as it starts and once it is committed.
 *
 * <p>On opening, the files of earlier attempts are read (a torn last line, from a driver killed mid-write, is
 * skipped) and every map output they name is checked against its file's index footer: only outputs that are
 * there and intact are offered for reuse, so a missing or damaged file is recomputed, never read.
 *
 * <p>Threading: the constructor reads (on the caller's thread, before the scheduler starts); map outputs are
 * appended and flushed on a background thread, so the scheduler thread never waits for the file system; output
 * records are written and flushed synchronously by the calling user thread, since they guard a commit. A journal
 * that cannot be written logs one warning and carries on: the application is unaffected, a later attempt just
 * reuses less.
 *
 * <p>The journal's directory is 0700 and its files 0600: only the application's user reads them.
 */
public final class FileMapOutputJournal implements MapOutputJournal, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FileMapOutputJournal.class);
    private static final String DIR = "_journal";

    private final ObjectMapper json = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);
    private final Map<String, List<MapStatus>> recovered = new HashMap<>();
    private final Set<String> committedOutputs = new HashSet<>();
    private final Set<String> startedOutputs = new HashSet<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "weft-journal");
        t.setDaemon(true);
        return t;
    });
    private final Path file;
    private FSDataOutputStream out;
    private boolean warned;

    /** One journal line. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Entry(String kind, Integer shuffleId, String fingerprint, Integer mapIndex, Long taskAttemptId,
            String executorId, String path, long[] offsets, long[] lengths) {
    }

    /**
     * Reads the journals of earlier attempts and starts this attempt's.
     *
     * @param fs the shuffle directory's file system
     * @param shuffleDir the application's shuffle directory (the same for every attempt)
     * @param attempt this driver attempt, from 1
     */
    public FileMapOutputJournal(FileSystem fileSystem, Path shuffleDir, int attempt) {
        // The checksummed local file system buffers until close, so hflush would not survive a crash there.
        FileSystem fs = fileSystem instanceof org.apache.hadoop.fs.LocalFileSystem local
                ? local.getRawFileSystem() : fileSystem;
        Path dir = new Path(shuffleDir, DIR);
        this.file = new Path(dir, "attempt-" + attempt + ".jsonl");
        int entries = 0;
        try {
            if (fs.exists(dir)) {
                for (FileStatus earlier : fs.listStatus(dir)) {
                    if (!earlier.getPath().equals(file)) {
                        entries += read(fs, earlier.getPath());
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not read the journals of earlier attempts under {}; recomputing everything: {}", dir,
                    e.toString());
            recovered.clear();
        }
        int usable = verify(fs);
        if (entries > 0) {
            LOG.info("Journal: {} entries from earlier attempts; {} map outputs are intact and reusable, {} outputs"
                    + " were committed", entries, usable, committedOutputs.size());
        }
        try {
            io.weft.runtime.files.OwnerOnly.mkdirs(fs, dir);
            out = io.weft.runtime.files.OwnerOnly.create(fs, file, true);
        } catch (IOException e) {
            warn(e);
        }
    }

    private int read(FileSystem fs, Path path) throws IOException {
        int count = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                Entry entry;
                try {
                    entry = json.readValue(line, Entry.class);
                } catch (IOException torn) {
                    LOG.info("Skipping an unreadable journal line in {} (a driver stopped mid-write)", path);
                    continue;
                }
                count++;
                switch (entry.kind()) {
                    case "map" -> recoverMap(path, entry);
                    case "outputStarted" -> startedOutputs.add(key(entry.path(), entry.fingerprint()));
                    case "outputCommitted" -> committedOutputs.add(key(entry.path(), entry.fingerprint()));
                    default -> LOG.debug("Unknown journal entry kind {}", entry.kind());
                }
            }
        }
        return count;
    }

    private void recoverMap(Path journal, Entry entry) {
        MapStatus status;
        try {
            status = new MapStatus(entry.mapIndex(), entry.taskAttemptId(), entry.executorId(), entry.path(),
                    entry.offsets(), entry.lengths());
        } catch (IllegalArgumentException | NullPointerException bad) {
            LOG.info("Skipping a map output line in {} that names no valid ranges: {}", journal, bad.toString());
            return;
        }
        recovered.computeIfAbsent(key(entry.shuffleId(), entry.fingerprint()), k -> new ArrayList<>()).add(status);
    }

    /** Keeps only outputs whose file holds, where recorded, a footer with exactly the recorded partition ranges. */
    private int verify(FileSystem fs) {
        int usable = 0;
        for (List<MapStatus> statuses : recovered.values()) {
            statuses.removeIf(status -> !intact(fs, status));
            usable += statuses.size();
        }
        return usable;
    }

    private static boolean intact(FileSystem fs, MapStatus status) {
        try {
            // The footer follows the output's last partition, in a file of its own or inside a segment file.
            // Each range is decoded once (a compact status's arrays are built on demand).
            int partitions = status.numPartitions();
            long[] offsets = status.partitionOffsets();
            long[] lengths = status.partitionLengths();
            long footerStart = offsets[partitions - 1] + lengths[partitions - 1];
            long[] index = ShuffleStore.readIndex(fs, new Path(status.path()), footerStart, partitions);
            for (int p = 0; p < partitions; p++) {
                if (index[p] != offsets[p] || index[p + 1] - index[p] != lengths[p]) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            LOG.info("Map output {} of an earlier attempt is not reusable: {}", status.path(), e.toString());
            return false;
        }
    }

    private static String key(Object first, String fingerprint) {
        return first + "/" + fingerprint;
    }

    @Override
    public List<MapStatus> recover(int shuffleId, String fingerprint) {
        List<MapStatus> statuses = recovered.remove(key(shuffleId, fingerprint));
        return statuses == null ? List.of() : statuses;
    }

    @Override
    public void committed(int shuffleId, String fingerprint, MapStatus status) {
        Entry entry = new Entry("map", shuffleId, fingerprint, status.mapIndex(), status.taskAttemptId(),
                status.executorId(), status.path(), status.partitionOffsets(), status.partitionLengths());
        writer.execute(() -> append(entry));
    }

    /**
     * @param path a {@code saveAsTextFile} destination
     * @param fingerprint the saved lineage's fingerprint
     * @return whether an earlier attempt committed exactly this output there
     */
    public boolean outputCommitted(String path, String fingerprint) {
        return committedOutputs.contains(key(path, fingerprint));
    }

    /**
     * @param path a {@code saveAsTextFile} destination
     * @param fingerprint the saved lineage's fingerprint
     * @return whether an earlier attempt started exactly this output there (and may have left part of it)
     */
    public boolean outputStarted(String path, String fingerprint) {
        return startedOutputs.contains(key(path, fingerprint));
    }

    /**
     * Records, durably, that this attempt starts writing an output. Called on the user's thread.
     *
     * @param path the destination
     * @param fingerprint the saved lineage's fingerprint
     */
    public void recordOutputStarted(String path, String fingerprint) {
        appendNow(new Entry("outputStarted", null, fingerprint, null, null, null, path, null, null));
    }

    /**
     * Records, durably, that this attempt committed an output. Called on the user's thread.
     *
     * @param path the destination
     * @param fingerprint the saved lineage's fingerprint
     */
    public void recordOutputCommitted(String path, String fingerprint) {
        appendNow(new Entry("outputCommitted", null, fingerprint, null, null, null, path, null, null));
    }

    private void appendNow(Entry entry) {
        try {
            writer.submit(() -> append(entry)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warn("Journal write failed: {}", e.getCause().toString());
        }
    }

    /** On the writer thread. */
    private void append(Entry entry) {
        if (out == null) {
            return;
        }
        try {
            out.write(json.writeValueAsBytes(entry));
            out.write('\n');
            out.hflush();
        } catch (IOException e) {
            warn(e);
            out = null;
        }
    }

    private void warn(IOException e) {
        if (!warned) {
            warned = true;
            LOG.warn("Cannot write the journal {}; a later attempt of this application will recompute more: {}",
                    file, e.toString());
        }
    }

    /** Flushes what is queued and closes the file. */
    @Override
    public void close() {
        writer.execute(() -> {
            try {
                if (out != null) {
                    out.close();
                }
            } catch (IOException e) {
                LOG.debug("Closing the journal: {}", e.toString());
            }
        });
        writer.shutdown();
        try {
            writer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
