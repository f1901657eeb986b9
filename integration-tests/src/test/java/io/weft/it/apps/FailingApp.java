package io.weft.it.apps;

import io.weft.api.WeftSession;
import java.util.List;

/** A driver whose job fails: the submitting client must report the error and exit non-zero. */
public final class FailingApp {

    private FailingApp() {
    }

    /**
     * @param args ignored
     */
    public static void main(String[] args) {
        try (WeftSession weft = WeftSession.builder().getOrCreate()) {
            if (weft.parallelize(List.of(1, 2, 3), 1).count() == 3) {
                throw new IllegalStateException("the driver gave up on purpose");
            }
        }
    }
}
