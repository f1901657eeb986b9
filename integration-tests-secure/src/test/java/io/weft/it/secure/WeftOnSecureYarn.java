package io.weft.it.secure;

import io.weft.am.WeftSubmit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.BufferedReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * Runs Weft programs through {@code WeftSubmit} on a {@link SecureYarn} and reads what they wrote to the secure
 * HDFS. The containers get the KDC's krb5.conf through {@code weft.am.extraJavaOptions} and
 * {@code weft.executor.extraJavaOptions} (a real cluster has {@code /etc/krb5.conf}).
 */
final class WeftOnSecureYarn {

    /** The text every test counts the words of. */
    static final String TEXT = "b a b c b a\nsecure words and more words\n";
    static final Map<String, Long> COUNTS = Map.of("a", 2L, "b", 3L, "c", 1L, "secure", 1L, "words", 2L, "and", 1L,
            "more", 1L);

    private final SecureClusters clusters;
    private final SecureYarn yarn;

    WeftOnSecureYarn(SecureClusters clusters, SecureYarn yarn) {
        this.clusters = clusters;
        this.yarn = yarn;
    }

    /**
     * What a submission printed and returned.
     *
     * @param exit WeftSubmit's exit code
     * @param text everything it printed
     */
    record Result(int exit, String text) {
        /** @return the application id it printed */
        String applicationId() {
            return text.replaceAll("(?s).*Submitted application (application_\\d+_\\d+).*", "$1");
        }
    }

    /** The options every submission here uses, then {@code program}. */
    List<String> args(String... program) {
        return args(List.of(program));
    }

    /** The options every submission here uses, then {@code program}. */
    List<String> args(List<String> program) {
        String krb5 = "-Djava.security.krb5.conf=" + clusters.kdc.krb5conf().getAbsolutePath();
        List<String> args = new ArrayList<>(List.of("--num-executors", "2", "--executor-memory", "256m",
                "--driver-memory", "256m",
                "--conf", "weft.yarn.hadoopConfDir=" + yarn.confDir,
                "--conf", "weft.yarn.javaHome=" + System.getProperty("java.home"),
                // Home directories are 0700 here, as on many secure clusters: a PUBLIC jar cache cannot be in one.
                "--conf", "weft.yarn.jarCacheDir=/tmp/weft-jar-cache",
                "--conf", "weft.am.extraJavaOptions=" + krb5,
                "--conf", "weft.executor.extraJavaOptions=" + krb5));
        args.addAll(program);
        return args;
    }

    /**
     * Runs WeftSubmit as {@code user} (or as this JVM's user when null), restoring the system properties a
     * client-mode run sets.
     */
    Result submit(UserGroupInformation user, List<String> args) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        Properties before = (Properties) System.getProperties().clone();
        try {
            int exit = user == null ? WeftSubmit.run(args.toArray(new String[0]), out)
                    : user.doAs((java.security.PrivilegedExceptionAction<Integer>) () -> WeftSubmit.run(
                            args.toArray(new String[0]), out));
            return new Result(exit, printed.toString(StandardCharsets.UTF_8));
        } finally {
            System.setProperties(before);
        }
    }

    /** Writes {@link #TEXT} to {@code dir}/words.txt as {@code user}; returns the qualified directory. */
    String writeInput(UserGroupInformation user, String dir) throws Exception {
        return user.doAs((java.security.PrivilegedExceptionAction<String>) () -> {
            try (FileSystem fs = FileSystem.newInstance(clusters.uri, clusters.conf)) {
                try (var out = fs.create(new Path(dir, "words.txt"))) {
                    out.write(TEXT.getBytes(StandardCharsets.UTF_8));
                }
                return fs.makeQualified(new Path(dir)).toString();
            }
        });
    }

    /** The word counts under {@code dir} (part files of "(word,count)" lines), read as {@code user}. */
    Map<String, Long> counts(UserGroupInformation user, String dir) throws Exception {
        return user.doAs((java.security.PrivilegedExceptionAction<Map<String, Long>>) () -> {
            Map<String, Long> counts = new HashMap<>();
            try (FileSystem fs = FileSystem.newInstance(clusters.uri, clusters.conf)) {
                for (FileStatus part : fs.listStatus(new Path(dir), p -> p.getName().startsWith("part-"))) {
                    try (BufferedReader reader = new BufferedReader(new InputStreamReader(fs.open(part.getPath()),
                            StandardCharsets.UTF_8))) {
                        reader.lines().forEach(line -> {
                            int comma = line.lastIndexOf(',');
                            counts.put(line.substring(1, comma), Long.parseLong(line.substring(comma + 1,
                                    line.length() - 1)));
                        });
                    }
                }
            }
            return counts;
        });
    }

    /** The status of {@code path}, read as {@code user}. */
    FileStatus status(UserGroupInformation user, String path) throws Exception {
        return user.doAs((java.security.PrivilegedExceptionAction<FileStatus>) () -> {
            try (FileSystem fs = FileSystem.newInstance(clusters.uri, clusters.conf)) {
                return fs.getFileStatus(new Path(path));
            }
        });
    }

    /** The application's container logs, as one text. */
    String logs(String applicationId) throws IOException {
        return String.join("\n", yarn.logs(applicationId));
    }
}
