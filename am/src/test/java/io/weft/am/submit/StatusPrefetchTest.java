package io.weft.am.submit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Statuses fetched together on a real (local) file system, each handed out once. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StatusPrefetchTest {

    @TempDir
    java.nio.file.Path dir;

    @Test
    void existingAndMissingPathsAreHandedOutOnceThenComeFromTheFileSystem() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        List<Path> present = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            java.nio.file.Path file = Files.writeString(dir.resolve("jar-" + i), "x".repeat(i));
            present.add(fs.makeQualified(new Path(file.toUri())));
        }
        Path missing = fs.makeQualified(new Path(dir.resolve("missing").toUri()));
        List<Path> asked = new ArrayList<>(present);
        asked.add(missing);

        StatusPrefetch prefetch = StatusPrefetch.of(fs, asked, 4);
        for (int i = 0; i < present.size(); i++) {
            Optional<FileStatus> status = prefetch.take(present.get(i));
            assertThat(status).isPresent();
            assertThat(status.get().getLen()).isEqualTo(i);
            assertThat(prefetch.take(present.get(i))).as("handed out once").isNull();
        }
        assertThat(prefetch.take(missing)).isEmpty();
        assertThat(prefetch.take(missing)).isNull();
        assertThat(prefetch.take(fs.makeQualified(new Path(dir.resolve("never-asked").toUri())))).isNull();
        assertThat(StatusPrefetch.none().take(missing)).isNull();
        assertThat(StatusPrefetch.of(fs, List.of(), 4).take(missing)).isNull();
    }
}
