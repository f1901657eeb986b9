package io.weft.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal line whose ranges cannot be a map output (a negative length, offsets and lengths that differ in
 * number) is skipped like a torn line: the next attempt starts, and recomputes that output.
 */
@Timeout(60)
class FileMapOutputJournalTest {

    @TempDir
    Path temp;

    @Test
    void aLineWithImpossibleRangesIsSkippedNotFatal() throws Exception {
        Path journal = Files.createDirectories(temp.resolve("_journal"));
        Files.writeString(journal.resolve("attempt-1.jsonl"), String.join("\n",
                "{\"kind\":\"map\",\"shuffleId\":0,\"fingerprint\":\"f\",\"mapIndex\":0,\"taskAttemptId\":1,"
                        + "\"executorId\":\"e\",\"path\":\"/nowhere/map_0_1.data\",\"offsets\":[0],\"lengths\":[-1]}",
                "{\"kind\":\"map\",\"shuffleId\":0,\"fingerprint\":\"f\",\"mapIndex\":1,\"taskAttemptId\":2,"
                        + "\"executorId\":\"e\",\"path\":\"/nowhere/map_1_2.data\",\"offsets\":[0],\"lengths\":[1,2]}",
                "{\"kind\":\"outputCommitted\",\"fingerprint\":\"g\",\"path\":\"/out\"}", ""),
                StandardCharsets.UTF_8);
        FileSystem fs = FileSystem.getLocal(new Configuration());
        try (FileMapOutputJournal second = new FileMapOutputJournal(fs,
                new org.apache.hadoop.fs.Path(temp.toUri()), 2)) {
            assertThat(second.recover(0, "f")).isEmpty();
            assertThat(second.outputCommitted("/out", "g")).as("the lines after it are still read").isTrue();
        }
    }
}
