package io.weft.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.status.AppStatusStore.StageInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The console progress line, drawn from hand-made stage snapshots. */
class ConsoleProgressTest {

    private static StageInfo stage(int id, String status, int total, int done, int running, long submitted) {
        return new StageInfo(id, "reduceByKey at Job.java:" + id, status, 0, total, done, running, 0, List.of(),
                submitted, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void showsABarPerRunningStageOldestFirst() {
        String line = ConsoleProgress.render(List.of(stage(2, "RUNNING", 8, 0, 2, 9_000),
                stage(1, "RUNNING", 10, 5, 1, 0), stage(0, "COMPLETE", 4, 4, 0, 0)), 12_000);
        assertThat(line).startsWith("[Stage 1 reduceByKey at Job.java:1 ==========>")
                .contains("5/10 (1 running) 12s]").contains("[Stage 2 ").contains("0/8 (2 running) 3s]")
                .doesNotContain("Stage 0");
        assertThat(ConsoleProgress.render(List.of(stage(0, "COMPLETE", 4, 4, 0, 0)), 1)).isEmpty();
    }

    @Test
    void withoutATerminalPrintsPlainLinesOnlyWhenSomethingChanged() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicReference<List<StageInfo>> stages = new AtomicReference<>(List.of(stage(1, "RUNNING", 4, 1, 1, 0)));
        try (ConsoleProgress progress = new ConsoleProgress(stages::get,
                new PrintStream(bytes, true, StandardCharsets.UTF_8), false, () -> 2_000)) {
            progress.draw();
            progress.draw();
            stages.set(List.of(stage(1, "RUNNING", 4, 3, 1, 0)));
            progress.draw();
            stages.set(List.of(stage(1, "COMPLETE", 4, 4, 0, 0)));
            progress.draw();
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed.lines()).hasSize(2);
        assertThat(printed).contains("1/4").contains("3/4").doesNotContain("\r").doesNotContain("\033");
    }

    @Test
    void onATerminalRedrawsInPlaceAndClearsTheLineAtTheEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ConsoleProgress progress = new ConsoleProgress(() -> List.of(stage(1, "RUNNING", 4, 1, 1, 0)),
                new PrintStream(bytes, true, StandardCharsets.UTF_8), true, () -> 2_000)) {
            progress.draw();
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("\r\033[K[Stage 1").endsWith("\r\033[K")
                .doesNotContain("\n");
    }
}
