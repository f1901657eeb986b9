package io.weft.driver.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.WeftException;
import io.weft.api.WeftSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A session whose executors never start fails with the reason, and its summary never says SUCCEEDED. */
class FailedStartTest {

    @Test
    void aStartThatFailedIsNeverSummarisedAsSucceeded() {
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertThatThrownBy(() -> WeftSession.builder().appName("doomed").master("local-cluster[1,1,128]")
                    .config("weft.executor.extraJavaOptions", "-XX:+NoSuchJvmFlagAtAll").getOrCreate())
                    .isInstanceOf(WeftException.class)
                    .hasMessageContaining("local-cluster[1,1,128]: 0 of 1 executors registered")
                    .hasMessageContaining("an executor exited with code");
        } finally {
            System.setOut(stdout);
        }
        String summary = printed.toString(StandardCharsets.UTF_8);
        assertThat(summary).contains("FAILED").doesNotContain("SUCCEEDED");
    }
}
