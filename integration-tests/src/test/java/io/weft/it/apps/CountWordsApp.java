package io.weft.it.apps;

import io.weft.api.WeftSession;
import io.weft.examples.WordCount;

/** A program as a user writes it: no master in the code, so it runs wherever it is submitted. */
public final class CountWordsApp {

    private CountWordsApp() {
    }

    /**
     * @param args input path, output directory
     */
    public static void main(String[] args) {
        try (WeftSession weft = WeftSession.builder().appName("count-words").getOrCreate()) {
            WordCount.count(weft, args[0]).saveAsTextFile(args[1]);
        }
    }
}
