package io.weft.it.secure.apps;

import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.WeftSession;
import java.util.Arrays;

/**
 * A program for the secure clusters: counts the words of HDFS text files (a shuffle) and writes the counts to HDFS;
 * with a pause and a second output, waits that long in the driver and then does it again, with the same executors.
 * The second job's HDFS reads, shuffle files and writes work only if the executors hold tokens that are valid then.
 *
 * <pre>CountWordsTwiceApp &lt;input&gt; &lt;output&gt; [&lt;pause ms&gt; &lt;second output&gt;]</pre>
 */
public final class CountWordsTwiceApp {

    private CountWordsTwiceApp() {
    }

    /**
     * @param args input, output, optionally a pause in milliseconds and a second output
     * @throws InterruptedException if interrupted during the pause
     */
    public static void main(String[] args) throws InterruptedException {
        try (WeftSession weft = WeftSession.builder().appName("count-words-twice").getOrCreate()) {
            count(weft, args[0]).saveAsTextFile(args[1]);
            if (args.length > 3) {
                Thread.sleep(Long.parseLong(args[2]));
                count(weft, args[0]).saveAsTextFile(args[3]);
            }
        }
    }

    private static PairDataset<String, Long> count(WeftSession weft, String input) {
        return weft.textFile(input)
                .flatMap(line -> Arrays.asList(line.split(" ")).iterator())
                .filter(word -> !word.isEmpty())
                .mapToPair(word -> Pair.of(word, 1L))
                .reduceByKey(Long::sum, 2);
    }
}
