package io.weft.am.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client-mode AM's timeline file in the staging directory, on the local file system: it round-trips, holds only
 * phase names and numbers, and a write after the driver deleted the staging directory fails rather than
 * re-creating the directory (with default, not owner-only, permissions).
 */
class TimelineFileTest {

    @Test
    void roundTripsAndNeverRecreatesADeletedStagingDirectory(@TempDir java.nio.file.Path tmp) throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path staging = new Path(tmp.resolve("application_1_0001").toUri());
        fs.mkdirs(staging);
        StartupTimeline am = new StartupTimeline();
        am.mark(StartupTimeline.Phase.AM_START, 1_000);
        am.mark(StartupTimeline.Phase.LAUNCHED, 2_000);
        TimelineFile file = new TimelineFile(fs, staging);
        file.write(am);
        assertThat(file.read().orElseThrow().phases()).containsExactly(StartupTimeline.Phase.AM_START,
                StartupTimeline.Phase.LAUNCHED);
        // Timestamps and phase names only: nothing else leaves the AM this way, nor through its diagnostics.
        assertThat(am.encode()).matches("weft-timeline:( [A-Z_]+=\\d+/\\d+/\\d+)+");

        fs.delete(staging, true);
        assertThatThrownBy(() -> file.write(am)).isInstanceOf(IOException.class);
        assertThat(Files.exists(tmp.resolve("application_1_0001"))).isFalse();
        assertThat(file.read()).isEmpty();
    }
}
