package io.weft.driver.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.WeftSession;
import io.weft.driver.DriverEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session service with real class-loader scopes ({@link EngineSessionScopes} over
 * {@code DriverEngine.openScope}) on {@code local-cluster[2,1,512]}: attached programs in JVMs of their own run
 * shuffles, accumulators, broadcasts and checkpoints through their attachment's scope, results exact.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ScopedSessionServiceTest {

    @TempDir
    static Path dir;

    private static WeftSession weft;
    private static SessionService service;
    private static Path endpointFile;

    @BeforeAll
    static void start() throws Exception {
        weft = WeftSession.builder().appName("scoped-session-test").master("local-cluster[2,1,512]").getOrCreate();
        DriverEngine engine = (DriverEngine) weft.engine();
        service = SessionService.start(engine, new EngineSessionScopes(engine), dir.resolve("jars").toFile());
        endpointFile = dir.resolve("session");
        service.endpoint().writeTo(FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(endpointFile.toString()));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (weft != null) {
            weft.close();
        }
    }

    @Test
    void twoScopedProgramsRunAShuffleAnAccumulatorAndABroadcastExactly() throws Exception {
        SessionClients.Client words = SessionClients.launch(endpointFile, dir, "wordcount", "3");
        SessionClients.Client values = SessionClients.launch(endpointFile, dir, "accbroadcast");
        Map<String, String> counted = words.await();
        for (int job = 1; job <= 3; job++) {
            assertThat(counted.get("COUNTS" + job)).isEqualTo(SessionClientMain.countLocally(
                    SessionClientMain.lines(3)).toString());
        }
        Map<String, String> accumulated = values.await();
        assertThat(accumulated.get("ACC1")).isEqualTo(String.valueOf(5050 * 7));
        assertThat(accumulated.get("ACC2")).isEqualTo(String.valueOf(5050 * 7 + 100));
        assertThat(accumulated.get("BROADCAST_REMOTE")).isEqualTo("[7, 14, 21]");
        System.out.printf("Scoped session WordCount: jobs %s / %s / %s ms%n", counted.get("JOB1_MS"),
                counted.get("JOB2_MS"), counted.get("JOB3_MS"));
    }

    @Test
    void aScopedProgramsCheckpointIsReadByItsNextJob() throws Exception {
        Path checkpoints = Files.createTempDirectory(dir, "checkpoints");
        Map<String, String> out = SessionClients.launch(endpointFile, dir, "checkpoint", checkpoints.toString())
                .await();
        assertThat(out.get("CHECKPOINT1")).isEqualTo("[2, 4, 6, 8, 10]");
        assertThat(out.get("CHECKPOINT2")).isEqualTo("[3, 5, 7, 9, 11]");
        assertThat(out.get("COMPUTED2")).isEqualTo(out.get("COMPUTED1"));
        // the program's own dataset learns that the session wrote it, as in a program's own driver
        assertThat(out.get("MARKED_BEFORE")).isEqualTo("false");
        assertThat(out.get("MARKED_AFTER")).isEqualTo("true");
        assertThat(out.get("CHECKPOINT_FILE")).isEqualTo("under the directory");
    }

    @Test
    void aFailureInAScopedJobCarriesTheRemoteMessage() throws Exception {
        Map<String, String> out = SessionClients.launch(endpointFile, dir, "fail").await();
        assertThat(out.get("FAILED")).startsWith("io.weft.api.JobFailedException: ")
                .contains("remote boom on record 3");
        // the task's exception as the cause, with the class, message and frames it had on the executor
        assertThat(out.get("FAILED_CAUSE")).isEqualTo("java.lang.IllegalStateException: remote boom on record 3");
        assertThat(out.get("FAILED_FRAME")).startsWith(SessionClientMain.class.getName());
        assertThat(out.get("AFTER")).isEqualTo("[2, 3, 4]");
    }
}
