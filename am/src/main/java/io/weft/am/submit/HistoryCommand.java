package io.weft.am.submit;

import io.weft.conf.WeftConf;
import io.weft.status.EventLogs;
import io.weft.status.UiServer;
import io.weft.yarnconf.HadoopConfigurations;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code yarn jar app.jar history <event log directory or file>}: serves the status pages of applications from
 * their event logs, after they have ended (or died), until the process is stopped. Nothing to install: it is the
 * same jar and the same pages as the live UI.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Serves the status pages of finished applications from their event logs.")
public final class HistoryCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "An event log directory (weft.eventLog.dir) or one event log")
    String location;

    @Option(names = "--port", defaultValue = "18080", description = "Port to serve on (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--conf", description = "weft.* settings, key=value (e.g. weft.yarn.hadoopConfDir)")
    Map<String, String> conf = new java.util.HashMap<>();

    private final PrintStream out;
    private final CountDownLatch stop;

    /**
     * @param out where the address is printed
     * @param stop serving ends when it counts down (never, from the command line)
     */
    HistoryCommand(PrintStream out, CountDownLatch stop) {
        this.out = out;
        this.stop = stop;
    }

    /**
     * @param args see --help
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, new CountDownLatch(1)));
    }

    /**
     * @param args see --help
     * @param out where to print
     * @param stop serving ends when it counts down
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, CountDownLatch stop) {
        return new CommandLine(new HistoryCommand(out, stop)).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        WeftConf settings = WeftConf.validate(conf);
        Configuration hadoop = HadoopConfigurations.load(settings, System.getenv());
        Path path = new Path(location);
        EventLogs logs = new EventLogs(path.getFileSystem(hadoop), path);
        try (UiServer server = UiServer.startHistory(logs, "0.0.0.0", port)) {
            out.println("Serving " + logs.list().size() + " applications from " + location + " at " + server.url());
            stop.await();
        }
        return 0;
    }
}
