package io.weft.it.apps;

import io.weft.api.WeftFiles;
import io.weft.api.WeftSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Uses everything WeftSubmit ships: classes of two --jars (shipped.Greeter from a local jar, shipped.Remote from
 * one on HDFS) on the driver and in tasks, --files read through WeftFiles.get (one under an alias, one from
 * HDFS), an extracted --archives directory, an executor environment variable and JVM option, and the
 * ApplicationMaster's environment variable and JVM option. Writes one line for the driver and one per record.
 */
public final class ShippingApp {

    private ShippingApp() {
    }

    /** Only the shipped jars have these classes: this program never names them at compile time. */
    static String call(String className, String who) throws Exception {
        Class<?> type = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
        return (String) type.getMethod("greet", String.class).invoke(type.getConstructor().newInstance(), who);
    }

    static String line(String relative) throws Exception {
        return Files.readAllLines(Path.of(WeftFiles.get(relative))).get(0);
    }

    /**
     * @param args output directory
     * @throws Exception when anything shipped is missing
     */
    public static void main(String[] args) throws Exception {
        try (WeftSession weft = WeftSession.builder().appName("shipping").getOrCreate()) {
            List<String> lines = new ArrayList<>();
            lines.add("driver|" + System.getenv("WEFT_AM_VAR") + "|" + System.getProperty("weft.it.am") + "|"
                    + call("shipped.Greeter", "driver") + "|" + call("shipped.Remote", "driver") + "|"
                    + line("alias.txt") + "|" + line("remote.txt") + "|" + line("data/inside/deep.txt"));
            lines.addAll(weft.parallelize(List.of("a", "b", "c", "d", "e"), 7).map(w -> System.getenv("WEFT_EXEC_VAR")
                    + "|" + System.getProperty("foo") + "|" + call("shipped.Greeter", w) + "|"
                    + call("shipped.Remote", w) + "|" + line("alias.txt") + "|" + line("remote.txt") + "|"
                    + line("data/inside/deep.txt")).collect());
            weft.parallelize(lines, 1).saveAsTextFile(args[0]);
        }
    }
}
