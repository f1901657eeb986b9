package io.weft.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.weft.conf.Redaction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event logs in a directory (or a single log file), replayed into {@link AppStatusStore}s for the history pages.
 * A finished application's store is built once and kept; an in-progress log (a running application, or a driver
 * that died) is replayed again on every request. A line that cannot be parsed (the torn last line of a crashed
 * driver's log) ends the replay there. Any thread.
 */
public final class EventLogs {

    private static final Logger LOG = LoggerFactory.getLogger(EventLogs.class);

    private final FileSystem fs;
    private final Path location;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, AppStatusStore> finished = new ConcurrentHashMap<>();
    private final Redaction redaction;

    /**
     * Masks settings with the built-in rule only.
     *
     * @param fs the file system holding the logs
     * @param location an event log directory or one log file
     */
    public EventLogs(FileSystem fs, Path location) {
        this(fs, location, Redaction.builtIn());
    }

    /**
     * @param fs the file system holding the logs
     * @param location an event log directory or one log file
     * @param redaction masks the applications' settings again as they are read (a log written by an older
     *     driver, or with a narrower {@code weft.redaction.regex}, may hold values this server must not show)
     */
    public EventLogs(FileSystem fs, Path location, Redaction redaction) {
        this.fs = fs;
        this.location = location;
        this.redaction = redaction;
    }

    /**
     * One application in the list.
     *
     * @param id the application id
     * @param name its name
     * @param status RUNNING (or died), SUCCEEDED or FAILED
     * @param startMillis when it started
     * @param endMillis when it ended, or 0
     * @param jobs how many jobs it ran
     * @param complete whether its log was finished
     */
    public record Summary(String id, String name, String status, long startMillis, long endMillis, int jobs,
            boolean complete) {
    }

    /**
     * @return every application with a log, newest first
     * @throws UncheckedIOException when the location cannot be listed
     */
    public List<Summary> list() {
        List<Summary> out = new ArrayList<>();
        for (FileStatus file : files()) {
            String id = idOf(file.getPath());
            load(id).ifPresent(store -> {
                var app = store.application();
                out.add(new Summary(id, app.name(), app.status(), app.startMillis(), app.endMillis(), app.jobs(),
                        !file.getPath().getName().endsWith(EventLogWriter.IN_PROGRESS)));
            });
        }
        out.sort(Comparator.comparingLong(Summary::startMillis).reversed());
        return out;
    }

    /**
     * @param applicationId an application
     * @return its pages' data, when it has a log here
     */
    public Optional<AppStatusStore> load(String applicationId) {
        AppStatusStore cached = finished.get(applicationId);
        if (cached != null) {
            return Optional.of(cached);
        }
        for (FileStatus file : files()) {
            if (idOf(file.getPath()).equals(applicationId)) {
                AppStatusStore store = replay(file.getPath());
                if (!file.getPath().getName().endsWith(EventLogWriter.IN_PROGRESS)) {
                    finished.put(applicationId, store);
                }
                return Optional.of(store);
            }
        }
        return Optional.empty();
    }

    private List<FileStatus> files() {
        try {
            FileStatus status = fs.getFileStatus(location);
            if (status.isFile()) {
                return List.of(status);
            }
            List<FileStatus> files = new ArrayList<>();
            for (FileStatus child : fs.listStatus(location)) {
                if (child.isFile() && !child.getPath().getName().startsWith(".")) {
                    files.add(child);
                }
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the event logs at " + location + ": " + e.getMessage(), e);
        }
    }

    private static String idOf(Path log) {
        String name = log.getName();
        return name.endsWith(EventLogWriter.IN_PROGRESS)
                ? name.substring(0, name.length() - EventLogWriter.IN_PROGRESS.length()) : name;
    }

    /**
     * @param log one event log
     * @return its events applied to a new store
     * @throws UncheckedIOException when it cannot be read
     */
    AppStatusStore replay(Path log) {
        AppStatusStore store = new AppStatusStore();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(fs.open(log),
                StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    StatusEvent event = json.readValue(line, StatusEvent.class);
                    if (event instanceof StatusEvent.ApplicationStarted started && started.settings() != null) {
                        event = new StatusEvent.ApplicationStarted(started.time(), started.applicationId(),
                                started.name(), redaction.mask(started.settings()), started.user());
                    }
                    store.accept(event);
                } catch (IOException e) {
                    LOG.warn("{} line {} cannot be read ({}); showing the events before it", log, number,
                            e.getMessage());
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the event log " + log + ": " + e.getMessage(), e);
        }
        return store;
    }
}
