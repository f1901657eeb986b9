package io.weft.am.submit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.exceptions.ApplicationNotFoundException;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the staging and shuffle directories of applications that YARN reports finished (or no longer knows):
 * what a hard-killed driver or AM could not clean up itself. Runs at every YARN session start and as a command
 * ({@link JanitorCommand}). Directories whose names are not application ids are left alone.
 */
public final class Janitor {

    private static final Logger LOG = LoggerFactory.getLogger(Janitor.class);
    private static final EnumSet<YarnApplicationState> ENDED = EnumSet.of(YarnApplicationState.FINISHED,
            YarnApplicationState.FAILED, YarnApplicationState.KILLED);

    private Janitor() {
    }

    /**
     * @param fs the file system holding the directories
     * @param yarn a started client of the cluster
     * @param roots parents of per-application directories (staging, shuffle)
     * @return the directories deleted
     * @throws IOException when a root cannot be listed
     */
    public static List<Path> clean(FileSystem fs, YarnClient yarn, List<Path> roots) throws IOException {
        List<Path> deleted = new ArrayList<>();
        for (Path root : roots) {
            if (!fs.exists(root)) {
                continue;
            }
            for (FileStatus child : fs.listStatus(root)) {
                if (child.isDirectory() && ended(yarn, child.getPath().getName())) {
                    if (fs.delete(child.getPath(), true)) {
                        deleted.add(child.getPath());
                    }
                }
            }
        }
        if (!deleted.isEmpty()) {
            LOG.info("Deleted {} directories of finished applications: {}", deleted.size(), deleted);
        }
        return deleted;
    }

    private static boolean ended(YarnClient yarn, String name) throws IOException {
        ApplicationId id;
        try {
            id = ApplicationId.fromString(name);
        } catch (IllegalArgumentException notAnApplication) {
            return false;
        }
        try {
            return ENDED.contains(yarn.getApplicationReport(id).getYarnApplicationState());
        } catch (ApplicationNotFoundException e) {
            return true;
        } catch (YarnException e) {
            LOG.warn("Could not ask YARN about {}: {}", id, e.toString());
            return false;
        }
    }
}
